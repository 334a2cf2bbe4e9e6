#!/usr/bin/python3
"""Capture real tqdm output as raw bytes for the progress parser's fixtures.

Each scenario runs in its own child `/usr/bin/python3` with stderr on a pipe, exactly as a workload
under `greenml run` writes it: carriage returns, cursor-up escapes, colours and UTF-8 bar blocks
intact. The child's stdout carries the scenario's own statement of what the parser should end on
(final n, total, fraction, description), computed from the scenario's parameters, so the tests
compare against the workload rather than against numbers typed into the test.

Run with Debian's interpreter and package (the pyenv one has no tqdm):
    apt-get install -y python3-tqdm
    /usr/bin/python3 scripts/capture-tqdm.py            # writes test/fixtures/tqdm/*.bin + *.json

The capture sleeps for real, so rates and times in the fixtures are real tqdm figures (~25 s in all).
The timed-* scenarios also keep each chunk's arrival time (ms since the child started) in their .json.
"""
import json
import os
import subprocess
import sys
import textwrap

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "tqdm")

PRELUDE = """
import json, sys, time
from tqdm import tqdm
def expect(**kw):
    kw["tqdm"] = __import__("tqdm").__version__
    print(json.dumps(kw))
"""

SCENARIOS = {
    # 42%|████▏     | 42/100 [00:03<00:04, 12.9it/s]
    "plain": """
        N = 60
        for _ in tqdm(range(N), mininterval=0):
            time.sleep(0.01)
        expect(final_n=N, total=N, fraction=1.0, desc="", bars=1)
    """,
    # Training: 100%|██████████| 50/50 [00:00<00:00, 97.1it/s, loss=0.0200]
    "desc-postfix": """
        N = 50
        bar = tqdm(range(N), desc="Training", mininterval=0)
        for i in bar:
            bar.set_postfix(loss=1.0 / (i + 1))
            time.sleep(0.01)
        bar.close()
        expect(final_n=N, total=N, fraction=1.0, desc="Training", bars=1)
    """,
    # Keras-like: one bar per epoch, "Epoch 3/4: 100%|...", left on screen (leave=True)
    "epoch-desc": """
        E, N = 4, 25
        for e in range(1, E + 1):
            for _ in tqdm(range(N), desc=f"Epoch {e}/{E}", mininterval=0):
                time.sleep(0.005)
        expect(final_n=N, total=N, fraction=1.0, desc=f"Epoch {E}/{E}", epochs=E, bars=E)
    """,
    # Nested bars with explicit positions; the inner one is cleared after each epoch.
    "nested-position": """
        E, N = 4, 30
        for _ in tqdm(range(E), desc="epochs", position=0, mininterval=0):
            for _ in tqdm(range(N), desc="batches", position=1, leave=False, mininterval=0):
                time.sleep(0.004)
        expect(final_n=E, total=E, fraction=1.0, desc="epochs", bars=2)
    """,
    # The common default: nested loops without position/leave. tqdm gives the inner bar position 1
    # and, at its close, redraws it at position 0 and moves the outer bar one line down.
    "nested-default": """
        E, N = 3, 20
        for _ in tqdm(range(E), desc="epochs", mininterval=0):
            for _ in tqdm(range(N), desc="batches", mininterval=0):
                time.sleep(0.005)
        expect(final_n=E, total=E, fraction=1.0, desc="epochs", bars=2)
    """,
    # 1234it [00:01, 987.60it/s]
    "no-total": """
        def gen():
            for i in range(137):
                yield i
        for _ in tqdm(gen(), mininterval=0):
            time.sleep(0.002)
        expect(final_n=137, total=None, fraction=None, desc="", bars=1)
    """,
    # 42%|####2     | 42/100 [...]
    "ascii": """
        N = 40
        for _ in tqdm(range(N), ascii=True, desc="ascii", mininterval=0):
            time.sleep(0.01)
        expect(final_n=N, total=N, fraction=1.0, desc="ascii", bars=1)
    """,
    # leave=False: the bar is wiped at the end; the last drawn state is the final one.
    "leave-false": """
        N = 40
        for _ in tqdm(range(N), desc="transient", leave=False, mininterval=0):
            time.sleep(0.01)
        sys.stderr.write("done\\n")
        expect(final_n=N, total=N, fraction=1.0, desc="transient", bars=1)
    """,
    # 2.10k/5.00k [00:01<00:01, 1.95kB/s]
    "unit-scale": """
        TOTAL, STEP = 5000, 125
        with tqdm(total=TOTAL, unit="B", unit_scale=True, desc="download", mininterval=0) as bar:
            for _ in range(TOTAL // STEP):
                time.sleep(0.01)
                bar.update(STEP)
        expect(final_n=TOTAL, total=TOTAL, fraction=1.0, desc="download", bars=1, updates=TOTAL // STEP)
    """,
    # Slow iterations: rates print as s/it.
    "slow-s-per-it": """
        N = 3
        for _ in tqdm(range(N), desc="slow", mininterval=0):
            time.sleep(1.2)
        expect(final_n=N, total=N, fraction=1.0, desc="slow", bars=1, rate_below_one=True)
    """,
    # A wide bar (ncols=100) in colour: ANSI colour codes inside the bar.
    "wide-colour": """
        N = 30
        for _ in tqdm(range(N), ncols=100, colour="green", desc="colour", mininterval=0):
            time.sleep(0.01)
        expect(final_n=N, total=N, fraction=1.0, desc="colour", bars=1)
    """,
    # Log lines between redraws: tqdm.write (which clears and redraws the bar) and a bare print.
    "interleaved-logs": """
        N = 30
        bar = tqdm(range(N), desc="train", mininterval=0)
        for i in bar:
            if i % 10 == 5:
                tqdm.write(f"checkpoint at step {i}")
            if i % 10 == 8:
                print(f"warning: slow step {i}", file=sys.stderr)
            time.sleep(0.01)
        bar.close()
        expect(final_n=N, total=N, fraction=1.0, desc="train", bars=1)
    """,
    # Stopped early: the bar is closed at 37 of 100 and left on screen.
    "stopped-early": """
        N, STOP = 100, 37
        bar = tqdm(total=N, desc="partial", mininterval=0)
        for _ in range(STOP):
            time.sleep(0.005)
            bar.update(1)
        bar.close()
        expect(final_n=STOP, total=N, fraction=STOP / N, desc="partial", bars=1)
    """,
}

# Timed captures: the arrival time of every chunk is kept, so a test can replay the stream at its real
# pace and check run predictions against the run's real end.
TIMED_SCENARIOS = {
    # A slow start (imports, compilation, a first batch that fills caches), then noisy steady steps.
    "timed-warmup": """
        import random
        rng = random.Random(7)
        WARM, N = 5, 60
        time.sleep(1.0)
        for i in tqdm(range(WARM + N), desc="train", mininterval=0):
            time.sleep(0.15 if i < WARM else rng.uniform(0.02, 0.06))
        expect(final_n=WARM + N, total=WARM + N, fraction=1.0, desc="train", bars=1)
    """,
    # Steady steps with a 2 s pause half-way (a checkpoint written to slow storage).
    "timed-stall": """
        N, STALL_AT = 40, 20
        for i in tqdm(range(N), desc="train", mininterval=0):
            time.sleep(2.0 if i == STALL_AT else 0.03)
        expect(final_n=N, total=N, fraction=1.0, desc="train", bars=1)
    """,
    # Epochs of batches (nested bars): the outer bar moves once per epoch, as Carbontracker counts.
    "timed-epochs": """
        E, N = 6, 25
        for _ in tqdm(range(E), desc="epochs", position=0, mininterval=0):
            for _ in tqdm(range(N), desc="batches", position=1, leave=False, mininterval=0):
                time.sleep(0.01)
        expect(final_n=E, total=E, fraction=1.0, desc="epochs", bars=2)
    """,
}


def run_timed(code, env):
    """Runs a scenario and returns (stderr bytes, [[ms since start, base64 chunk], ...], stdout)."""
    import base64
    import time

    start = time.monotonic()
    proc = subprocess.Popen(["/usr/bin/python3", "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    chunks = []
    data = b""
    while True:
        chunk = os.read(proc.stderr.fileno(), 65536)
        if not chunk:
            break
        t_ms = round((time.monotonic() - start) * 1000, 1)
        chunks.append([t_ms, base64.b64encode(chunk).decode("ascii")])
        data += chunk
    stdout = proc.stdout.read()
    if proc.wait() != 0:
        raise SystemExit(f"scenario failed: {code}")
    end_ms = round((time.monotonic() - start) * 1000, 1)
    return data, {"endMs": end_ms, "chunks": chunks}, stdout


def main():
    os.makedirs(OUT, exist_ok=True)
    only = set(sys.argv[1:])
    for name, body in SCENARIOS.items():
        if only and name not in only:
            continue
        code = PRELUDE + textwrap.dedent(body)
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        proc = subprocess.run(["/usr/bin/python3", "-c", code], capture_output=True, env=env, check=True)
        with open(os.path.join(OUT, name + ".bin"), "wb") as f:
            f.write(proc.stderr)
        expectation = json.loads(proc.stdout.decode("utf-8").strip().splitlines()[-1])
        expectation["scenario"] = textwrap.dedent(body).strip()
        with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(expectation, f, indent=2)
            f.write("\n")
        print(f"{name}: {len(proc.stderr)} bytes", file=sys.stderr)
    for name, body in TIMED_SCENARIOS.items():
        if only and name not in only:
            continue
        code = PRELUDE + textwrap.dedent(body)
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        data, timing, stdout = run_timed(code, env)
        with open(os.path.join(OUT, name + ".bin"), "wb") as f:
            f.write(data)
        expectation = json.loads(stdout.decode("utf-8").strip().splitlines()[-1])
        expectation["scenario"] = textwrap.dedent(body).strip()
        expectation["timing"] = timing
        with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(expectation, f, indent=2)
            f.write("\n")
        print(f"{name}: {len(data)} bytes in {len(timing['chunks'])} chunks, {timing['endMs']} ms", file=sys.stderr)


if __name__ == "__main__":
    main()
