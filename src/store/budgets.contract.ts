/**
 * The Store contract for budgets, their per-period state and their alerts; run by describeStore
 * (store.contract.ts) on every adapter. `fresh` returns an empty migrated store closed after the test.
 */
import { describe, expect, it } from 'vitest';
import type { GreenmlError } from '../core/index.js';
import { T0 } from './fixtures.contract.js';
import type { BudgetAlertRecord, BudgetRecord, BudgetStateInput, Store } from './store.js';

async function expectCode(p: Promise<unknown>, code: GreenmlError['code'], message?: RegExp): Promise<void> {
  const e = (await p.then(
    () => null,
    (err: unknown) => err,
  )) as GreenmlError | null;
  expect(e?.code, `expected ${code}, got ${e ? `${e.code}: ${e.message}` : 'success'}`).toBe(code);
  if (message) expect(e?.message).toMatch(message);
}

export function makeBudget(id: string, over: Partial<BudgetRecord> = {}): BudgetRecord {
  return {
    id,
    name: `budget ${id} — ✓`,
    scope: { project: 'vision' },
    kind: 'co2e',
    limit: { amount: 2, unit: 'kgCO2e' },
    period: 'month',
    notifications: [
      { type: 'actual', threshold: 80, thresholdType: 'percentage' },
      { type: 'forecasted', threshold: 1.5, thresholdType: 'absolute' },
    ],
    webhooks: [{ url: 'http://127.0.0.1:9/hook?x=1', format: 'json' }, { url: 'https://hooks.slack.com/services/T0/B0/x', format: 'slack' }],
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

export function makeState(budgetId: string, over: Partial<BudgetStateInput> = {}): BudgetStateInput {
  return {
    budgetId,
    periodKey: '2026-01',
    alarms: [],
    status: 'ok',
    actual: 0.25,
    forecast: 1.125,
    startMs: T0,
    endMs: T0 + 31 * 86_400_000,
    evaluatedAt: T0 + 1000,
    ...over,
  };
}

export function makeAlert(alertId: string, budget: BudgetRecord, over: Partial<BudgetAlertRecord> = {}): BudgetAlertRecord {
  const notification = { type: 'actual' as const, threshold: 80, thresholdType: 'percentage' as const };
  const atMs = over.atMs ?? T0 + 5000;
  const dedupeKey = `${budget.id}|actual:percentage:80|2026-01|${atMs}`;
  return {
    id: alertId,
    budgetId: budget.id,
    budgetName: budget.name,
    atMs,
    periodKey: '2026-01',
    event: 'alarm',
    notificationKey: 'actual:percentage:80',
    notification,
    amount: 1.7,
    thresholdAmount: 1.6,
    limit: budget.limit,
    budgetState: { from: null, to: 'alarm' },
    alert: {
      budgetId: budget.id,
      budgetName: budget.name,
      kind: budget.kind,
      scope: budget.scope,
      limit: budget.limit,
      notification,
      notificationKey: 'actual:percentage:80',
      amount: 1.7,
      thresholdAmount: 1.6,
      unit: 'kgCO2e',
      percentOfLimit: 85,
      period: { name: 'month', key: '2026-01', startMs: T0, endMs: T0 + 31 * 86_400_000 },
      state: 'alarm',
      atMs,
      dedupeKey,
    },
    deliveryState: 'pending',
    claimUntilMs: null,
    deliveries: budget.webhooks.map((w) => ({ url: w.url, format: w.format, dedupeKey, delivered: false, attempts: [], status: null, error: null })),
    ...over,
  };
}

export function describeBudgetContract(fresh: () => Promise<Store>, openPeer?: (store: Store) => Promise<Store>): void {
  describe('budgets and alerts', () => {
    it('keeps budgets: round trip, lookup by id or name, listing by name, update in place, names unique', async () => {
      const s = await fresh();
      const a = makeBudget('bud-a', { name: 'vision-carbon' });
      const g = makeBudget('bud-g', { name: 'all-cost', scope: { project: null }, kind: 'cost', limit: { amount: 200, unit: 'USD' }, period: 'run', webhooks: [] });
      await s.putBudget(a);
      await s.putBudget(g);
      expect(await s.getBudget('bud-a')).toEqual(a);
      expect(await s.getBudget('vision-carbon')).toEqual(a);
      expect(await s.getBudget('nope')).toBeNull();
      expect((await s.listBudgets()).map((b) => b.name)).toEqual(['all-cost', 'vision-carbon']);
      const changed = { ...a, limit: { amount: 3, unit: 'kgCO2e' as const }, updatedAt: T0 + 10 };
      await s.putBudget(changed);
      expect(await s.getBudget('vision-carbon')).toEqual(changed);
      await expectCode(s.putBudget(makeBudget('bud-other', { name: 'vision-carbon' })), 'CONFLICT', /named "vision-carbon" exists/);
      expect(await s.listBudgets()).toHaveLength(2);
    });

    it('refuses an invalid budget without writing it', async () => {
      const s = await fresh();
      await expectCode(s.putBudget(makeBudget('bad-1', { limit: { amount: -1, unit: 'kgCO2e' } })), 'INVALID_INPUT', /limit.amount/);
      await expectCode(s.putBudget(makeBudget('bad-2', { period: 'fortnight' as never })), 'INVALID_INPUT', /period/);
      await expectCode(s.putBudget(makeBudget('bad-3', { webhooks: [{ url: 'file:///etc/passwd', format: 'json' }] })), 'INVALID_INPUT', /http\(s\) URL/);
      await expectCode(s.putBudget(makeBudget('bad-4', { createdAt: Number.NaN })), 'INVALID_INPUT', /createdAt/);
      expect(await s.listBudgets()).toEqual([]);
    });

    it('writes evaluation state with compare-and-set, per period, with its alerts in the same transaction', async () => {
      const s = await fresh();
      const b = makeBudget('bud-cas');
      await s.putBudget(b);
      expect(await s.getBudgetState(b.id, '2026-01')).toBeNull();
      const first = await s.putBudgetState(makeState(b.id), { expectVersion: null });
      expect(first).toEqual({ ...makeState(b.id), version: 1 });
      expect(await s.putBudgetState(makeState(b.id), { expectVersion: null })).toBeNull();
      const alarm = makeState(b.id, { alarms: ['actual:percentage:80'], status: 'alarm', actual: 1.7, evaluatedAt: T0 + 5000 });
      const alert = makeAlert('alert-1', b);
      // A stale version writes neither the state nor its alerts.
      expect(await s.putBudgetState(alarm, { expectVersion: 7, alerts: [alert] })).toBeNull();
      expect(await s.listAlerts({ budgetId: b.id })).toEqual([]);
      expect(await s.putBudgetState(alarm, { expectVersion: 1, alerts: [alert] })).toEqual({ ...alarm, version: 2 });
      expect(await s.getBudgetState(b.id, '2026-01')).toEqual({ ...alarm, version: 2 });
      expect(await s.listAlerts({ budgetId: b.id })).toEqual([alert]);
      expect(await s.putBudgetState(alarm, { expectVersion: 1 })).toBeNull();
      // A new period starts without state.
      const feb = makeState(b.id, { periodKey: '2026-02', startMs: null, endMs: null, forecast: null, evaluatedAt: T0 + 40 * 86_400_000 });
      expect((await s.putBudgetState(feb, { expectVersion: null }))?.version).toBe(1);
      expect((await s.listBudgetStates(b.id)).map((x) => [x.periodKey, x.version])).toEqual([['2026-02', 1], ['2026-01', 2]]);
      expect(await s.listBudgetStates(b.id, { limit: 1 })).toHaveLength(1);
      await expectCode(s.putBudgetState(makeState('no-such-budget'), { expectVersion: null }), 'NOT_FOUND');
      await expectCode(s.putBudgetState(makeState(b.id, { actual: Number.NaN }), { expectVersion: 2 }), 'INVALID_INPUT', /state.actual/);
      await expectCode(s.putBudgetState(makeState(b.id), { expectVersion: 2, alerts: [makeAlert('x', makeBudget('other'))] }), 'INVALID_INPUT', /budgetId/);
      expect((await s.getBudgetState(b.id, '2026-01'))?.version).toBe(2);
    });

    it('lets exactly one of many concurrent evaluators write a period', async () => {
      const s = await fresh();
      const b = makeBudget('bud-race');
      await s.putBudget(b);
      const peer = openPeer ? await openPeer(s) : s;
      try {
        const tries = Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? peer : s).putBudgetState(makeState(b.id, { status: 'alarm', alarms: ['actual:percentage:80'] }), {
            expectVersion: null,
            alerts: [makeAlert(`race-${i}`, b)],
          }),
        );
        const won = (await Promise.all(tries)).filter((r) => r !== null);
        expect(won).toHaveLength(1);
        expect(await s.listAlerts({ budgetId: b.id })).toHaveLength(1);
      } finally {
        if (peer !== s) await peer.close();
      }
    });

    it('appends alerts idempotently and lists them newest first, by budget and delivery state', async () => {
      const s = await fresh();
      const a = makeBudget('bud-1', { name: 'one' });
      const b = makeBudget('bud-2', { name: 'two' });
      await s.putBudget(a);
      await s.putBudget(b);
      const a1 = makeAlert('al-1', a, { atMs: T0 + 1 });
      const a2 = makeAlert('al-2', a, { atMs: T0 + 2, deliveryState: 'none', deliveries: [], event: 'ok', alert: null, amount: null, budgetState: { from: 'alarm', to: 'ok' } });
      const b1 = makeAlert('al-3', b, { atMs: T0 + 3, deliveryState: 'delivered' });
      expect(await s.appendAlert(a1)).toBe(true);
      expect(await s.appendAlert(a1)).toBe(false);
      await s.appendAlert(a2);
      await s.appendAlert(b1);
      expect((await s.listAlerts()).map((x) => x.id)).toEqual(['al-3', 'al-2', 'al-1']);
      expect(await s.listAlerts({ budgetId: a.id })).toEqual([a2, a1]);
      expect((await s.listAlerts({ deliveryState: ['pending', 'delivered'] })).map((x) => x.id)).toEqual(['al-3', 'al-1']);
      expect(await s.listAlerts({ limit: 1 })).toHaveLength(1);
      await expectCode(s.appendAlert(makeAlert('al-x', makeBudget('ghost'))), 'NOT_FOUND');
      await expectCode(s.appendAlert({ ...a1, id: 'al-nan', amount: Number.POSITIVE_INFINITY }), 'INVALID_INPUT', /amount/);
      await expectCode(s.listAlerts({ deliveryState: 'lost' as never }), 'INVALID_INPUT');
      // Deleting a budget removes its states and alerts.
      await s.putBudgetState(makeState(a.id), { expectVersion: null });
      expect(await s.deleteBudget(a.id)).toBe(true);
      expect(await s.deleteBudget(a.id)).toBe(false);
      expect(await s.getBudgetState(a.id, '2026-01')).toBeNull();
      expect((await s.listAlerts()).map((x) => x.id)).toEqual(['al-3']);
    });

    it('hands an alert to one sender at a time and records the outcome', async () => {
      const s = await fresh();
      const b = makeBudget('bud-send');
      await s.putBudget(b);
      await s.appendAlert(makeAlert('send-1', b));
      await s.appendAlert(makeAlert('send-none', b, { deliveryState: 'none', deliveries: [] }));
      const claimed = await s.claimAlert('send-1', { nowMs: T0 + 10_000, claimMs: 60_000 });
      expect(claimed).toMatchObject({ id: 'send-1', deliveryState: 'sending', claimUntilMs: T0 + 70_000 });
      expect(await s.claimAlert('send-1', { nowMs: T0 + 20_000, claimMs: 60_000 })).toBeNull();
      expect(await s.claimAlert('send-none', { nowMs: T0, claimMs: 1 })).toBeNull();
      expect(await s.claimAlert('no-such-alert', { nowMs: T0, claimMs: 1 })).toBeNull();
      // A sender that died: its claim runs out and another takes over.
      expect(await s.claimAlert('send-1', { nowMs: T0 + 70_001, claimMs: 60_000 })).toMatchObject({ claimUntilMs: T0 + 130_001 });
      const deliveries = (claimed?.deliveries ?? []).map((d) => ({ ...d, delivered: true, status: 200, attempts: [{ atMs: T0 + 70_002, status: 200, error: null, waitedMs: 0 }] }));
      expect(await s.finishAlert('send-1', { deliveryState: 'delivered', deliveries })).toBe(true);
      expect(await s.finishAlert('send-1', { deliveryState: 'failed', deliveries: [] })).toBe(false);
      expect((await s.listAlerts({ budgetId: b.id, deliveryState: 'delivered' }))[0]).toMatchObject({ claimUntilMs: null, deliveries });
      expect(await s.claimAlert('send-1', { nowMs: T0 + 999_999, claimMs: 1 })).toBeNull();
      await expectCode(s.claimAlert('send-1', { nowMs: T0, claimMs: 0 }), 'INVALID_INPUT', /claimMs/);
    });

    it('hands a pending alert to exactly one of many concurrent claimers', async () => {
      const s = await fresh();
      const b = makeBudget('bud-claims');
      await s.putBudget(b);
      await s.appendAlert(makeAlert('contested', b));
      const peer = openPeer ? await openPeer(s) : s;
      try {
        const got = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? peer : s).claimAlert('contested', { nowMs: T0 + 1, claimMs: 60_000 })));
        expect(got.filter((x) => x !== null)).toHaveLength(1);
      } finally {
        if (peer !== s) await peer.close();
      }
    });
  });
}
