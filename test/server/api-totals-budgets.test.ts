/**
 * The dashboard's aggregate routes: totals per UTC day, week or month in one request (each bucket
 * checked against the store's own runTotals for its span, the buckets adding up to /totals), and
 * where every budget stands (the rows of `greenml budget list`), both narrowed for project tokens.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateBudgets, listBudgetStatus } from '../../src/app/index.js';
import { periodBounds, type RunTotals } from '../../src/core/index.js';
import { makeBudget } from '../../src/store/budgets.contract.js';
import { makeRun } from '../../src/store/fixtures.contract.js';
import { makeServer, type TestServer } from './harness.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Wednesday 2026-03-18 12:00 UTC: the server's clock. */
const NOW = Date.UTC(2026, 2, 18, 12);

let s: TestServer;
afterEach(async () => {
  await s?.close();
});

interface Bucket {
  key: string;
  startMs: number;
  endMs: number;
  totals: RunTotals;
}

/** 120 runs, one every 11 hours back from NOW (so ~55 days), alternating projects; a few without a cost. */
async function seed(): Promise<void> {
  s = await makeServer({ nowMs: NOW });
  for (let i = 0; i < 120; i++) {
    await s.store.createRun(
      makeRun(`run-${String(i).padStart(3, '0')}`, {
        project: i % 2 ? 'vision' : 'nlp',
        status: i % 5 ? 'succeeded' : 'failed',
        startedAt: NOW - i * 11 * HOUR_MS,
        energyKwh: 1 + (i % 7),
        operationalG: 100 + 10 * i,
        embodiedG: 5,
        totalG: 105 + 10 * i,
        costUsd: i % 4 ? i / 10 : null,
      }),
    );
  }
}

/** Each bucket's totals are the store's for the bucket's span; together they add up to the span's. */
async function checkBuckets(buckets: Bucket[], filter: { project?: string }): Promise<void> {
  for (const b of buckets) expect(b.totals).toEqual(await s.store.runTotals({ ...filter, since: b.startMs, until: b.endMs }));
  for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.startMs).toBe(buckets[i - 1]!.endMs);
}

describe('GET /api/v1/totals/series', () => {
  it('answers one totals per UTC day, clipped to since and until, adding up to /totals', async () => {
    await seed();
    const since = NOW - 10 * DAY_MS - 5 * HOUR_MS;
    const r = await s.call('GET', `/api/v1/totals/series?bucket=day&since=${since}&until=${NOW}`);
    expect(r.status).toBe(200);
    const buckets = r.body.buckets as Bucket[];
    expect(r.body).toMatchObject({ bucket: 'day', since, until: NOW });
    expect(buckets).toHaveLength(11);
    expect(buckets[0]).toMatchObject({ key: '2026-03-08', startMs: since, endMs: periodBounds('day', since).endMs });
    expect(buckets.at(-1)).toMatchObject({ key: '2026-03-18', startMs: periodBounds('day', NOW).startMs, endMs: NOW });
    await checkBuckets(buckets, {});
    const all = await s.store.runTotals({ since, until: NOW });
    expect(buckets.reduce((a, b) => a + b.totals.runs, 0)).toBe(all.runs);
    expect(buckets.reduce((a, b) => a + b.totals.totalG, 0)).toBeCloseTo(all.totalG, 6);
    expect(buckets.some((b) => b.totals.runs > 1)).toBe(true);
  });

  it('buckets by ISO week and calendar month, filters by project and status, and defaults to 30 days up to now', async () => {
    await seed();
    const since = Date.UTC(2026, 0, 1);
    const weeks = await s.call('GET', `/api/v1/totals/series?bucket=week&since=${since}&until=${NOW}&project=vision`);
    expect(weeks.body.buckets.map((b: Bucket) => b.key)).toEqual(['2026-W01', '2026-W02', '2026-W03', '2026-W04', '2026-W05', '2026-W06', '2026-W07', '2026-W08', '2026-W09', '2026-W10', '2026-W11', '2026-W12']);
    await checkBuckets(weeks.body.buckets, { project: 'vision' });
    expect(weeks.body.buckets[1].startMs).toBe(periodBounds('week', Date.UTC(2026, 0, 7)).startMs);

    const months = await s.call('GET', `/api/v1/totals/series?bucket=month&since=${since}&until=${NOW}&status=failed`);
    expect(months.body.buckets.map((b: Bucket) => b.key)).toEqual(['2026-01', '2026-02', '2026-03']);
    for (const b of months.body.buckets as Bucket[]) expect(b.totals).toEqual(await s.store.runTotals({ status: 'failed', since: b.startMs, until: b.endMs }));
    expect((months.body.buckets as Bucket[]).every((b) => b.totals.byStatus.succeeded === 0)).toBe(true);

    const byDefault = await s.call('GET', '/api/v1/totals/series');
    expect(byDefault.body).toMatchObject({ bucket: 'day', until: NOW, since: periodBounds('day', NOW).startMs - 29 * DAY_MS });
    expect(byDefault.body.buckets).toHaveLength(30);
    await checkBuckets(byDefault.body.buckets, {});
  });

  it('narrows a project token to its project and refuses another; bad spans and buckets are 400', async () => {
    await seed();
    const vision = await s.token('read', 'vision');
    const mine = await s.call('GET', `/api/v1/totals/series?bucket=week&since=${NOW - 21 * DAY_MS}&until=${NOW}`, { token: vision });
    await checkBuckets(mine.body.buckets, { project: 'vision' });
    expect((await s.call('GET', `/api/v1/totals/series?project=nlp`, { token: vision })).status).toBe(403);

    const reversed = await s.call('GET', `/api/v1/totals/series?since=${NOW}&until=${NOW - DAY_MS}`);
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.details.field).toBe('since');
    const tooMany = await s.call('GET', `/api/v1/totals/series?bucket=day&since=${NOW - 800 * DAY_MS}&until=${NOW}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/more than 400 days: ask for a shorter span or a coarser bucket/);
    const hourly = await s.call('GET', '/api/v1/totals/series?bucket=hour');
    expect(hourly.status).toBe(400);
    expect(hourly.body.error.details.field).toBe('bucket');
  });
});

describe('GET /api/v1/budgets/status', () => {
  it("gives every budget's period, actual, forecast, stored state and last alert, as greenml budget list does", async () => {
    await seed();
    const monthStart = periodBounds('month', NOW).startMs;
    const notifications = [{ type: 'actual' as const, threshold: 80, thresholdType: 'percentage' as const }];
    await s.store.putBudget(makeBudget('bud-vision', { name: 'vision co2', scope: { project: 'vision' }, limit: { amount: 1, unit: 'kgCO2e' }, notifications, webhooks: [], createdAt: monthStart }));
    await s.store.putBudget(makeBudget('bud-all', { name: 'all energy', scope: { project: null }, kind: 'energy', limit: { amount: 10_000, unit: 'kWh' }, notifications, webhooks: [], createdAt: monthStart }));
    await s.store.putBudget(makeBudget('bud-run', { name: 'per run', scope: { project: 'nlp' }, period: 'run', limit: { amount: 1, unit: 'kgCO2e' }, notifications, webhooks: [], createdAt: monthStart }));
    await evaluateBudgets({ store: s.store, nowMs: NOW, fetch: () => Promise.reject(new Error('no webhooks')), sleep: async () => undefined });

    const r = await s.call('GET', '/api/v1/budgets/status');
    expect(r.status).toBe(200);
    expect(r.body.budgets).toEqual(JSON.parse(JSON.stringify(await listBudgetStatus({ store: s.store, nowMs: NOW }))));
    const byName = new Map((r.body.budgets as { budget: { name: string } }[]).map((row) => [row.budget.name, row as any]));
    const month = await s.store.runTotals({ project: 'vision', since: monthStart, until: periodBounds('month', NOW).endMs });
    expect(byName.get('vision co2')).toMatchObject({ periodKey: '2026-03', actual: month.totalG / 1000, state: 'alarm', lastAlert: { budgetId: 'bud-vision', event: 'alarm' } });
    expect(byName.get('all energy')).toMatchObject({ periodKey: '2026-03', state: 'ok', lastAlert: null });
    expect(byName.get('per run').periodKey).toMatch(/^run:/);

    // Another month: its own period and live totals (kg, the limit's unit), not yet evaluated.
    const feb = await s.call('GET', `/api/v1/budgets/status?at=${Date.UTC(2026, 1, 10)}`);
    const febVision = (feb.body.budgets as any[]).find((row) => row.budget.id === 'bud-vision');
    expect(febVision).toMatchObject({ periodKey: '2026-02', state: null });
    expect(febVision.actual).toBe((await s.store.runTotals({ project: 'vision', since: Date.UTC(2026, 1, 1), until: Date.UTC(2026, 2, 1) })).totalG / 1000);

    // A project token sees its project's budgets only, as GET /budgets does.
    const vision = await s.token('read', 'vision');
    expect((await s.call('GET', '/api/v1/budgets/status', { token: vision })).body.budgets.map((row: any) => row.budget.id)).toEqual(['bud-vision']);
    expect((await s.call('GET', '/api/v1/budgets/status?at=soon')).status).toBe(400);
  });
});
