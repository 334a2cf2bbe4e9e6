/**
 * Forecast of a budget period's total. Run-rate, as AWS Budgets does for a period in progress:
 * the amount so far plus the mean rate so far times the time left. greenml also knows the work in
 * flight: the predicted remainder of each running run is committed, so the forecast is never below
 * actual + committed, and the run-rate part takes over when it is larger (the running runs are then
 * part of the usual activity the rate already extrapolates).
 *
 * Early in a period one run extrapolated over a month would cry wolf, so the run-rate part is only
 * used once MIN_ELAPSED_SHARE of the period has passed; before that the forecast is committed-only.
 */
import type { Estimate, RunPrediction } from '../progress/predict.js';
import { budgetAmountOf } from './evaluate.js';
import { periodBounds } from './period.js';
import type { BudgetKind, CalendarPeriod } from './types.js';

/** Share of a period that must have passed before a run-rate is trusted (greenml, 2026; 3 days of a month). */
export const MIN_ELAPSED_SHARE = 0.1;

export interface PeriodForecast {
  central: number;
  low: number;
  /** null when a running run has no upper bound (it has stalled). */
  high: number | null;
  basis: 'run-rate' | 'committed-only';
  /** Mean rate so far in the period, budget unit per second. */
  ratePerS: number;
  committed: Estimate;
  periodKey: string;
  startMs: number;
  endMs: number;
}

export interface PeriodForecastInput {
  period: CalendarPeriod;
  nowMs: number;
  /** Amount so far in the period, in the budget's unit. */
  actual: number;
  /** Predicted remaining amounts of the runs still running, in the budget's unit. */
  running?: readonly Estimate[];
  minElapsedShare?: number;
}

export function forecastPeriod(input: PeriodForecastInput): PeriodForecast {
  const b = periodBounds(input.period, input.nowMs);
  const lengthS = (b.endMs - b.startMs) / 1000;
  const elapsedS = Math.max(0, (input.nowMs - b.startMs) / 1000);
  const leftS = Math.max(0, lengthS - elapsedS);
  const actual = Math.max(0, input.actual);
  const committed: Estimate = { central: 0, low: 0, high: 0 };
  for (const r of input.running ?? []) {
    committed.central += Math.max(0, r.central);
    committed.low += Math.max(0, r.low);
    committed.high = committed.high === null || r.high === null ? null : committed.high + Math.max(0, r.high);
  }
  const ratePerS = elapsedS > 0 ? actual / elapsedS : 0;
  const useRate = elapsedS / lengthS >= (input.minElapsedShare ?? MIN_ELAPSED_SHARE);
  const extrapolated = useRate ? ratePerS * leftS : 0;
  return {
    central: actual + Math.max(extrapolated, committed.central),
    low: actual + committed.low,
    high: committed.high === null ? null : actual + extrapolated + committed.high,
    basis: useRate ? 'run-rate' : 'committed-only',
    ratePerS,
    committed,
    periodKey: b.key,
    startMs: b.startMs,
    endMs: b.endMs,
  };
}

/** The predicted remainder of a running run in a budget kind's unit (total minus what is already spent). */
export function predictedRemainder(kind: BudgetKind, prediction: RunPrediction): Estimate | null {
  const total = kind === 'energy' ? prediction.energyKwh : kind === 'co2e' ? prediction.co2eG : prediction.costUsd;
  const spent = budgetAmountOf(kind, prediction.actual);
  if (total === null || spent === null) return null;
  const scale = kind === 'co2e' ? 1 / 1000 : 1;
  const left = (x: number): number => Math.max(0, x * scale - spent);
  return { central: left(total.central), low: left(total.low), high: total.high === null ? null : left(total.high) };
}
