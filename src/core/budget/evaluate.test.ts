import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunPrediction } from '../progress/predict.js';
import { budgetAmountOf, evaluateBudget } from './evaluate.js';
import { forecastPeriod, predictedRemainder } from './forecast.js';
import type { Budget, BudgetEvalState } from './types.js';
import { validateBudgetSpec } from './validate.js';

const budget: Budget = {
  id: 'b1',
  ...validateBudgetSpec({
    name: 'team-cost',
    kind: 'cost',
    limit: '200',
    period: 'month',
    scope: { project: 'vision' },
    notifications: [
      { type: 'actual', threshold: 80 }, // AWS's canonical example: $160 of $200
      { type: 'actual', threshold: 100 },
      { type: 'forecasted', threshold: 100 },
    ],
  }),
};
const march = (day: number, hour = 12): number => Date.UTC(2026, 2, day, hour);

describe('evaluateBudget', () => {
  it('sends each notification once, on the OK -> ALARM crossing', () => {
    let state: BudgetEvalState | null = null;
    const sent: string[] = [];
    for (const [day, actual] of [[2, 50], [5, 150], [6, 161], [7, 170], [9, 199], [12, 201], [20, 260]] as const) {
      const r = evaluateBudget(budget, { actual, forecast: null, nowMs: march(day) }, state);
      sent.push(...r.notificationsToSend.map((a) => `${day}:${a.notificationKey}`));
      state = r.nextState;
    }
    expect(sent).toEqual(['6:actual:percentage:80', '12:actual:percentage:100']);
  });

  it('describes the crossing as plain data', () => {
    const r = evaluateBudget(budget, { actual: 170, forecast: 210, nowMs: march(10) }, null);
    expect(r.state).toBe('alarm');
    expect(r.overLimit).toBe(false);
    expect(r.forecastOverLimit).toBe(true);
    expect(r.notificationsToSend).toHaveLength(2);
    expect(r.notificationsToSend[0]).toEqual({
      budgetId: 'b1',
      budgetName: 'team-cost',
      kind: 'cost',
      scope: { project: 'vision' },
      limit: { amount: 200, unit: 'USD' },
      notification: { type: 'actual', threshold: 80, thresholdType: 'percentage' },
      notificationKey: 'actual:percentage:80',
      amount: 170,
      thresholdAmount: 160,
      unit: 'USD',
      percentOfLimit: 85,
      period: { name: 'month', key: '2026-03', startMs: Date.UTC(2026, 2, 1), endMs: Date.UTC(2026, 3, 1) },
      state: 'alarm',
      atMs: march(10),
      dedupeKey: `b1|actual:percentage:80|2026-03|${march(10)}`,
    });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('re-arms on a new period and when the amount falls back below the threshold', () => {
    const first = evaluateBudget(budget, { actual: 170, forecast: null, nowMs: march(20) }, null);
    expect(first.notificationsToSend).toHaveLength(1);
    // Same period, still above: nothing.
    expect(evaluateBudget(budget, { actual: 171, forecast: null, nowMs: march(21) }, first.nextState).notificationsToSend).toHaveLength(0);
    // April: a new period, the amount restarts and crosses again.
    const april = evaluateBudget(budget, { actual: 165, forecast: null, nowMs: Date.UTC(2026, 3, 3) }, first.nextState);
    expect(april.period.key).toBe('2026-04');
    expect(april.notificationsToSend.map((a) => a.notificationKey)).toEqual(['actual:percentage:80']);
    // A refund takes it back to $150 (OK, silently), then $180 crosses again.
    const refund = evaluateBudget(budget, { actual: 150, forecast: null, nowMs: Date.UTC(2026, 3, 4) }, april.nextState);
    expect(refund.notificationsToSend).toHaveLength(0);
    expect(refund.state).toBe('ok');
    expect(evaluateBudget(budget, { actual: 180, forecast: null, nowMs: Date.UTC(2026, 3, 5) }, refund.nextState).notificationsToSend).toHaveLength(1);
  });

  it('keeps a forecasted alarm while no forecast is available', () => {
    const a = evaluateBudget(budget, { actual: 10, forecast: 250, nowMs: march(15) }, null);
    expect(a.notificationsToSend.map((n) => n.notification.type)).toEqual(['forecasted']);
    const b = evaluateBudget(budget, { actual: 11, forecast: null, nowMs: march(16) }, a.nextState);
    expect(b.state).toBe('alarm');
    expect(b.notificationsToSend).toHaveLength(0);
  });

  it('treats each run as its own period for per-run budgets', () => {
    const perRun: Budget = { id: 'r', ...validateBudgetSpec({ name: 'per-run', kind: 'energy', limit: '10kWh', period: 'run', notifications: [{ threshold: 100 }] }) };
    const a = evaluateBudget(perRun, { actual: 11, forecast: null, nowMs: 1, runId: 'run-1' }, null);
    const b = evaluateBudget(perRun, { actual: 12, forecast: null, nowMs: 2, runId: 'run-2' }, a.nextState);
    expect([a.notificationsToSend.length, b.notificationsToSend.length]).toEqual([1, 1]);
    expect(b.period).toEqual({ key: 'run:run-2', startMs: null, endMs: null });
    expect(() => evaluateBudget(perRun, { actual: 1, forecast: null, nowMs: 1 }, null)).toThrow(/per run: evaluate it with the run's id/);
  });

  it('rejects impossible amounts', () => {
    expect(() => evaluateBudget(budget, { actual: -1, forecast: null, nowMs: march(1) }, null)).toThrow(/Actual amount must be a finite amount/);
    expect(() => evaluateBudget(budget, { actual: 1, forecast: Number.NaN, nowMs: march(1) }, null)).toThrow(/Forecast amount/);
  });

  it('never sends a notification twice in a period, whatever the sequence of amounts', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.option(fc.integer({ min: 0, max: 400 }))), { maxLength: 40 }), (seq) => {
        let state: BudgetEvalState | null = null;
        let prevAbove = new Map<string, boolean>();
        seq.forEach(([actual, forecast], i) => {
          const r = evaluateBudget(budget, { actual, forecast, nowMs: march(1) + i * 1000 }, state);
          for (const a of r.notificationsToSend) {
            // Sent only when it was not already above (a crossing), and it is above now.
            expect(prevAbove.get(a.notificationKey) ?? false).toBe(false);
            expect(a.amount).toBeGreaterThan(a.thresholdAmount);
          }
          prevAbove = new Map(r.notifications.map((n) => [n.key, n.state === 'alarm']));
          state = r.nextState;
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('forecastPeriod', () => {
  it('extrapolates the run-rate of the period: $60 in the first 9 days of a 30-day month -> $200', () => {
    const f = forecastPeriod({ period: 'month', nowMs: Date.UTC(2025, 10, 10), actual: 60 });
    expect(f.basis).toBe('run-rate');
    expect(f.central).toBeCloseTo(200, 9);
    expect(f.ratePerS).toBeCloseTo(60 / (9 * 86_400), 12);
  });

  it('adds the remainder of running runs when it exceeds the run-rate, and bounds it by their ranges', () => {
    const running = [{ central: 30, low: 20, high: 50 }, { central: 10, low: 5, high: 12 }];
    const f = forecastPeriod({ period: 'day', nowMs: Date.UTC(2026, 0, 1, 12), actual: 10, running });
    // Run-rate: 10 in 12 h -> +10; committed 40 > 10.
    expect(f.central).toBeCloseTo(50, 9);
    expect(f.low).toBeCloseTo(35, 9);
    expect(f.high).toBeCloseTo(10 + 10 + 62, 9);
    expect(forecastPeriod({ period: 'day', nowMs: Date.UTC(2026, 0, 1, 12), actual: 10, running: [{ central: 1, low: 1, high: null }] }).high).toBeNull();
  });

  it('does not extrapolate from the first tenth of a period', () => {
    const f = forecastPeriod({ period: 'month', nowMs: Date.UTC(2026, 2, 2), actual: 50, running: [{ central: 5, low: 4, high: 6 }] });
    expect(f.basis).toBe('committed-only');
    expect(f.central).toBe(55);
  });

  it('turns a run prediction into the remainder in the budget unit', () => {
    const p = {
      energyKwh: { central: 10, low: 8, high: 14 },
      co2eG: { central: 4000, low: 3200, high: null },
      costUsd: null,
      actual: { energyKwh: 6, co2eG: 2400, costUsd: null },
    } as unknown as RunPrediction;
    expect(predictedRemainder('energy', p)).toEqual({ central: 4, low: 2, high: 8 });
    const co2e = predictedRemainder('co2e', p);
    expect(co2e?.central).toBeCloseTo(1.6, 12);
    expect(co2e?.low).toBeCloseTo(0.8, 12);
    expect(co2e?.high).toBeNull();
    expect(predictedRemainder('cost', p)).toBeNull();
    expect(budgetAmountOf('co2e', { energyKwh: 1, co2eG: 1500, costUsd: null })).toBe(1.5);
  });
});
