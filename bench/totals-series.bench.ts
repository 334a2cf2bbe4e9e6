/**
 * GET /api/v1/totals/series over 30 UTC days (one runTotals per bucket) against the alternative it
 * replaces (30 GET /api/v1/totals from the dashboard) and against one grouped SQL query (what a
 * dedicated Store method would run), on SQLite with 10,000 and 100,000 runs spread over the span.
 * Decides whether the route needs a grouped Store method. Run: npx vitest bench --run bench/totals-series.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, bench, describe } from 'vitest';
import { periodBounds } from '../src/core/index.js';
import { createServer } from '../src/server/index.js';
import { makeRun } from '../src/store/fixtures.contract.js';
import { openStore, type Store } from '../src/store/index.js';

const DAY_MS = 86_400_000;
const UNTIL = periodBounds('day', Date.UTC(2026, 2, 1)).endMs;
const SINCE = UNTIL - 30 * DAY_MS;
const dir = mkdtempSync(join(tmpdir(), 'greenml-bench-series-'));
const opened: Store[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function seeded(n: number): Promise<{ store: Store; path: string }> {
  const path = join(dir, `runs-${n}.db`);
  const store = await openStore(path);
  opened.push(store);
  for (let i = 0; i < n; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, (_, k) => {
        const j = i + k;
        return store.createRun(makeRun(`series-${String(j).padStart(7, '0')}`, {
          project: `p${j % 10}`, status: j % 9 ? 'succeeded' : 'failed', startedAt: SINCE + Math.floor((j / n) * 30 * DAY_MS),
          energyKwh: (j * 37) % 101, totalG: (j * 53) % 997, costUsd: j % 7 ? j / 100 : null,
        }));
      }),
    );
  }
  return { store, path };
}

const GROUPED = `select (started_at - @since) / ${DAY_MS} as b, count(*) as runs, sum(duration_s), sum(cpu_kwh), sum(gpu_kwh), sum(memory_kwh), sum(energy_kwh),
  sum(operational_g), sum(embodied_g), sum(total_g), sum(cost_usd) from runs where started_at >= @since and started_at < @until group by b`;
const GROUPED_STATUS = `select (started_at - @since) / ${DAY_MS} as b, status, count(*) from runs where started_at >= @since and started_at < @until group by b, status`;

for (const n of [10_000, 100_000]) {
  const { store, path } = await seeded(n);
  const app = createServer({ store, intensity: () => { throw new Error('not used'); }, clock: () => UNTIL, version: 'bench' });
  const raw = new Database(path, { readonly: true });
  const grouped = raw.prepare(GROUPED);
  const groupedStatus = raw.prepare(GROUPED_STATUS);
  const days = Array.from({ length: 30 }, (_, i) => SINCE + i * DAY_MS);
  describe(`sqlite, ${n.toLocaleString('en-US')} runs over 30 days`, () => {
    bench('GET /api/v1/totals/series?bucket=day (30 runTotals)', async () => {
      const res = await app.request(`/api/v1/totals/series?bucket=day&since=${SINCE}&until=${UNTIL}`);
      if (res.status !== 200) throw new Error(await res.text());
      await res.json();
    });
    bench('30 x GET /api/v1/totals (the dashboard before)', async () => {
      for (const d of days) await (await app.request(`/api/v1/totals?since=${d}&until=${d + DAY_MS}`)).json();
    });
    bench('one grouped SQL query (a dedicated Store method)', () => {
      grouped.all({ since: SINCE, until: UNTIL });
      groupedStatus.all({ since: SINCE, until: UNTIL });
    });
    bench('GET /api/v1/totals over the whole span (one runTotals)', async () => {
      await (await app.request(`/api/v1/totals?since=${SINCE}&until=${UNTIL}`)).json();
    });
  });
}
