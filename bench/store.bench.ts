/**
 * Store speed with 10,000 runs: listing pages (keyset, each sort), totals, sample appends and
 * job claims, on SQLite and (when reachable) PostgreSQL. Run: npx vitest bench --run bench/store.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { T0, makeJob, makeRun, makeSamples } from '../src/store/fixtures.contract.js';
import { postgresHarness, probePostgres } from '../src/store/harness.contract.js';
import { openStore, type Store } from '../src/store/index.js';

const RUNS = 10_000;

async function seed(store: Store): Promise<string> {
  for (let i = 0; i < RUNS; i += 20) {
    await Promise.all(
      Array.from({ length: 20 }, (_, k) =>
        store.createRun(makeRun(`bench-${String(i + k).padStart(6, '0')}`, {
          project: `p${(i + k) % 10}`, startedAt: T0 + (i + k) * 1000, energyKwh: ((i + k) * 37) % 101, costUsd: (i + k) % 7 ? i + k : null,
        })),
      ),
    );
  }
  await store.createRun(makeRun('bench-samples'));
  return 'bench-samples';
}

async function pages(store: Store, q: Parameters<Store['listRuns']>[0], n: number): Promise<void> {
  let page = await store.listRuns({ ...q, limit: 50 });
  for (let k = 1; k < n && page.nextCursor; k++) page = await store.listRuns({ ...q, limit: 50, cursor: page.nextCursor });
}

const dir = mkdtempSync(join(tmpdir(), 'greenml-bench-'));
const pg = postgresHarness('bench');
const targets: [string, Store][] = [['sqlite', await openStore(join(dir, 'bench.db'))]];
const pgReachable = (await probePostgres()) === null;
if (pgReachable) targets.push(['postgres', await pg.make()]);
afterAll(async () => {
  for (const [, store] of targets) await store.close();
  if (pgReachable) await pg.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

for (const [name, store] of targets) {
  const runId = await seed(store);
  let t = T0;
  let job = 0;
  describe(`${name}: ${RUNS} runs`, () => {
    bench('listRuns, 10 pages of 50 by startedAt', () => pages(store, {}, 10));
    bench('listRuns, 10 pages of 50 by costUsd (nulls)', () => pages(store, { sort: 'costUsd', order: 'asc' }, 10));
    bench('listRuns, project filter, 10 pages by energyKwh', () => pages(store, { project: 'p3', sort: 'energyKwh' }, 10));
    bench('listRuns, search', () => pages(store, { search: 'bench-0099' }, 1));
    bench('runTotals over all runs', async () => {
      await store.runTotals();
    });
    bench('appendSamples, batch of 10', async () => {
      await store.appendSamples(runId, makeSamples(10, (t += 10_000)));
    });
    bench('createJob + claimNextDueJob', async () => {
      await store.createJob(makeJob(`bench-job-${job++}`, { dueAtMs: T0 }));
      await store.claimNextDueJob({ nowMs: T0 + 1, agentId: 'bench', leaseMs: 1000 });
    });
  });
}
