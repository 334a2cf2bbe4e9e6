// A child process for sqlite-processes.test.ts: opens the store (compiled to JS by the test) and
// claims jobs or writes runs while other processes do the same on the same SQLite file.
// Usage: node concurrency-worker.mjs <compiled-dir> <mode: claim|write|read> <db-path> <worker-id> [count]
// Prints "ready" once loaded, waits for "go" on stdin, then prints one JSON line with its results.
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const [dir, mode, dbPath, workerId, countArg] = process.argv.slice(2);
const count = Number(countArg ?? '0');
const { openStore } = await import(pathToFileURL(join(dir, 'src/store/index.js')).href);
const fx = await import(pathToFileURL(join(dir, 'src/store/fixtures.contract.js')).href);

const errors = [];
const record = (e) => errors.push({ code: e?.code ?? null, message: String(e?.message ?? e) });

// Claimers open before the start signal so they all begin claiming at once; writers open after
// it, racing to create and migrate a fresh file.
const early = mode === 'claim' ? await openStore(dbPath) : null;
const lines = createInterface({ input: process.stdin });
const go = new Promise((resolve) => lines.once('line', resolve));
process.stdout.write('ready\n');
await go;
lines.close();

const result = { workerId, claimed: [], runs: 0, samples: 0, reads: 0, errors };
const store = early ?? (await openStore(dbPath));
const pause = () => new Promise((resolve) => setTimeout(resolve, 1));
try {
  if (mode === 'claim') {
    for (;;) {
      try {
        const job = await store.claimNextDueJob({ nowMs: fx.T0 + 1e9, agentId: workerId, leaseMs: 60_000 });
        if (!job) break;
        result.claimed.push(job.id);
        await pause(); // an agent works between claims; it also lets the other processes in
      } catch (e) {
        record(e);
        if (errors.length > 20) break;
      }
    }
  } else if (mode === 'write') {
    for (let i = 0; i < count; i++) {
      const id = `${workerId}-run-${String(i).padStart(3, '0')}`;
      try {
        await store.createRun(fx.makeRun(id, { project: `proj-${workerId}`, startedAt: fx.T0 + i }));
        for (let b = 0; b < 5; b++) {
          const batch = fx.makeSamples(20, fx.T0 + b * 20_000);
          result.samples += await store.appendSamples(id, batch);
          await store.updateRun(id, { heartbeatAt: fx.T0 + (b + 1) * 20_000, durationS: (b + 1) * 20 });
        }
        await store.appendMetrics(id, [fx.makeMetric('loss', i, fx.T0 + i, 1 / (i + 1))]);
        await store.updateRun(id, { status: 'succeeded', exitCode: 0, endedAt: fx.T0 + 100_000, energyKwh: 0.01, totalG: 3 });
        result.runs++;
      } catch (e) {
        record(e);
      }
    }
  } else if (mode === 'read') {
    for (let i = 0; i < count; i++) {
      try {
        await store.listRuns({ limit: 50 });
        await store.runTotals({});
        result.reads++;
      } catch (e) {
        record(e);
      }
    }
  }
} finally {
  await store.close();
}
process.stdout.write(`${JSON.stringify(result)}\n`);
