import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from './event.js';
import { createTqdmParser } from './tqdm.js';
import { parseTqdmLine } from './tqdm-line.js';

const enc = new TextEncoder();

function parseAll(chunks: (string | Uint8Array)[]): ProgressEvent[] {
  const p = createTqdmParser();
  const out: ProgressEvent[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

/** Splits bytes at the given cut points (any byte offset, also inside a UTF-8 character or an escape). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    parts.push(bytes.slice(from, p));
    from = p;
  }
  parts.push(bytes.slice(from));
  return parts;
}

describe('parseTqdmLine: the layouts of tqdm format_meter', () => {
  it('reads a plain bar with a unicode fill', () => {
    expect(parseTqdmLine(' 42%|████▏     | 42/100 [00:03<00:04, 12.9it/s]')).toEqual({
      desc: '', n: 42, total: 100, percent: 42, unit: 'it', rateUnitsPerS: 12.9, elapsedS: 3, remainingS: 4,
    });
  });

  it('reads a description, an epoch count in it, and a postfix', () => {
    const l = parseTqdmLine('Epoch 3/40: 100%|██████████| 250/250 [01:02:03<00:00,  4.02it/s, loss=0.312, acc=[0.91]]');
    expect(l).toMatchObject({ desc: 'Epoch 3/40', n: 250, total: 250, elapsedS: 3723, remainingS: 0, rateUnitsPerS: 4.02 });
  });

  it('reads a bar without a total', () => {
    expect(parseTqdmLine('1234it [00:01, 987.6it/s]')).toMatchObject({ desc: '', n: 1234, total: null, unit: 'it', rateUnitsPerS: 987.6, remainingS: null });
    expect(parseTqdmLine('reading: 12.3kB [00:02, 6.10kB/s]')).toMatchObject({ desc: 'reading', n: 12_300, unit: 'B', rateUnitsPerS: 6100 });
  });

  it('applies unit scales and inverts s/it', () => {
    expect(parseTqdmLine('download:  24%|██▍       | 1.2k/5.0k [00:01<00:03, 1.20kB/s]')).toMatchObject({ n: 1200, total: 5000, unit: 'B', rateUnitsPerS: 1200 });
    expect(parseTqdmLine('slow:  33%|███▎      | 1/3 [00:01<00:02,  2.50s/it]')).toMatchObject({ n: 1, rateUnitsPerS: 0.4, unit: 'it' });
    // A unit that starts with a capital is a name, not a prefix.
    expect(parseTqdmLine('gen:  50%|█████     | 5/10 [00:01<00:01, 12.30Tokens/s]')).toMatchObject({ unit: 'Tokens', rateUnitsPerS: 12.3 });
  });

  it('reads ascii bars, unknown rates and descriptions holding bar characters', () => {
    expect(parseTqdmLine('ascii:  42%|####2     | 42/100 [00:00<?, ?it/s]')).toMatchObject({ n: 42, rateUnitsPerS: null, remainingS: null });
    expect(parseTqdmLine('a|b 50%|c:  10%|#         | 1/10 [00:00<00:09,  1.00it/s]')).toMatchObject({ desc: 'a|b 50%|c', n: 1, total: 10 });
  });

  it.each(['', 'loss 0.31 accuracy 0.9', '[INFO] started', 'ETA [00:01]', ' 42%|████▏     | 42/100 [00:03<00:04, 12.9it/s', '42/100 [00:03<00:04, 12.9it/s]'])(
    'returns null for %j, which is no bar',
    (line) => expect(parseTqdmLine(line)).toBeNull(),
  );
});

describe('createTqdmParser on synthetic streams', () => {
  it('follows carriage-return redraws and reports each new state once', () => {
    const stream = ['\r  0%|          | 0/4 [00:00<?, ?it/s]', '\r 25%|██▌       | 1/4 [00:01<00:03,  1.00it/s]', '\r 50%|█████     | 2/4 [00:02<00:02,  1.00it/s]', '\r100%|██████████| 4/4 [00:04<00:00,  1.00it/s]\n'].join('');
    const events = parseAll([stream]);
    expect(events.map((e) => e.fraction)).toEqual([0, 0.25, 0.5, 1]);
    expect(events.every((e) => e.source === 'tqdm' && e.barIndex === 0)).toBe(true);
  });

  it('reports the outermost bar while nested bars (cursor-up) update below it', () => {
    const outer = (n: number): string => `\repochs:  ${n * 50}%|          | ${n}/2 [00:0${n}<00:01,  1.00it/s]`;
    const inner = (n: number): string => `\n\rbatches:  ${n * 10}%|          | ${n}/10 [00:00<00:01, 10.00it/s]\x1b[A`;
    const stream = outer(0) + inner(0) + inner(5) + inner(10) + outer(1) + inner(0) + inner(10) + outer(2) + '\n';
    const events = parseAll([stream]);
    expect(events.map((e) => [e.desc, e.fraction])).toEqual([['epochs', 0], ['epochs', 0.5], ['epochs', 1]]);
  });

  it('spans all epochs when the description says "Epoch k/N"', () => {
    const events = parseAll(['\rEpoch 3/4:  50%|█████     | 5/10 [00:01<00:01,  5.00it/s]\r']);
    expect(events[0]).toMatchObject({ fraction: (2 + 0.5) / 4, epoch: { index: 3, count: 4 }, n: 5, total: 10 });
  });

  it('gives the same events whether fed as text or bytes, whole or cut anywhere', () => {
    const stream = enc.encode('\rtrain:  10%|█         | 1/10 [00:00<00:09,  1.00it/s]\n\rbatch:  50%|█████     | 5/10 [00:00<00:00, 9.00it/s]\x1b[A\rtrain:  20%|██        | 2/10 [00:02<00:08,  1.00it/s]\n');
    const whole = parseAll([stream]);
    expect(whole.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        expect(parseAll(split(stream, cuts))).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random bytes and never reports a fraction outside [0, 1]', () => {
    const pieces = ['\r', '\n', '\x1b[A', '\x1b[2B', '\x1b]0;t\x07', ']', '[', '|', '%', '/', ': ', '100%|', ' 5/3 [', '00:01<00:02, ', '3.1it/s', '?it/s', '9e99', 'Epoch 9/3', '1.5k', '█', '\u{1F600}'];
    const chunk = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.constantFrom(...pieces),
      fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((a) => a.join('')),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 30 }), (chunks) => {
        const events = parseAll(chunks);
        for (const e of events) {
          if (e.fraction !== null) expect(e.fraction >= 0 && e.fraction <= 1).toBe(true);
          expect(Number.isFinite(e.n)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('reads bars assembled from random fragments: every bar it reports is one that was written', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 500 }), fc.integer({ min: 1, max: 500 })), { minLength: 1, maxLength: 20 }), (pairs) => {
        const stream = pairs.map(([n, t]) => `\r${n}/${t}: ${Math.round((n / t) * 100)}%|#| ${n}/${t} [00:01<00:01,  1.00it/s]`).join('') + '\n';
        const events = parseAll([stream]);
        for (const e of events) {
          expect(pairs.some(([n, t]) => n === e.n && t === e.total)).toBe(true);
          expect(e.fraction).toBe(Math.min(1, e.n / (e.total as number)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('stays bounded on a stream without line ends', () => {
    const p = createTqdmParser();
    const block = 'x'.repeat(10_000) + '\x1b]' + 'y'.repeat(10_000);
    for (let i = 0; i < 200; i++) p.push(block); // 4 MB, no '\r' or '\n'
    expect(p.inspect().bufferedChars).toBeLessThanOrEqual(4096);
    // And it still reads a bar afterwards.
    const events = [...p.push('\x07\r 50%|#####     | 1/2 [00:01<00:01,  1.00it/s]'), ...p.end()];
    expect(events.map((e) => e.fraction)).toEqual([0.5]);
  });

  it('ignores input that is neither text nor bytes', () => {
    const p = createTqdmParser();
    expect(p.push(null as unknown as string)).toEqual([]);
    expect(p.push(42 as unknown as string)).toEqual([]);
  });
});
