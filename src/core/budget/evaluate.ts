/**
 * Evaluates a budget against the amounts of its current period and says which notifications to
 * send. As in AWS Budgets, each notification has a state, OK or ALARM; a notification is sent on the
 * OK -> ALARM crossing only, once. It re-arms (back to OK, silently) when a new period starts or
 * when the amount falls back to the threshold or below (a forecast that improves, a refund).
 */
import { GreenmlError } from '../errors.js';
import { isCalendarPeriod, periodBounds } from './period.js';
import type { Budget, BudgetAlert, BudgetEvalState, BudgetKind, BudgetNotification, BudgetUnit } from './types.js';
import { notificationKey } from './validate.js';

export interface BudgetAmounts {
  /** Amount so far in the period, in the budget's unit. */
  actual: number;
  /** Forecast total for the period, in the budget's unit; null when there is none yet. */
  forecast: number | null;
  nowMs: number;
  /** For 'run' budgets: the run being measured (each run is its own period). */
  runId?: string;
}

export interface NotificationStatus {
  notification: BudgetNotification;
  key: string;
  state: 'ok' | 'alarm';
  amount: number | null;
  thresholdAmount: number;
}

export interface BudgetEvaluation {
  /** 'alarm' when any notification is in ALARM. */
  state: 'ok' | 'alarm';
  notificationsToSend: BudgetAlert[];
  /** Keep this and pass it to the next evaluation. */
  nextState: BudgetEvalState;
  notifications: NotificationStatus[];
  period: { key: string; startMs: number | null; endMs: number | null };
  actual: number;
  forecast: number | null;
  limit: number;
  unit: BudgetUnit;
  /** actual > limit. */
  overLimit: boolean;
  forecastOverLimit: boolean;
}

export const thresholdAmountOf = (n: BudgetNotification, limitAmount: number): number =>
  n.thresholdType === 'percentage' ? (limitAmount * n.threshold) / 100 : n.threshold;

/** A run's or a period's totals in the unit of a budget kind (kWh, kg CO2e, USD). */
export function budgetAmountOf(kind: BudgetKind, totals: { energyKwh: number; co2eG: number | null; costUsd: number | null }): number | null {
  if (kind === 'energy') return totals.energyKwh;
  if (kind === 'co2e') return totals.co2eG === null ? null : totals.co2eG / 1000;
  return totals.costUsd;
}

function requireAmount(x: number | null, what: string): void {
  if (x !== null && (!Number.isFinite(x) || x < 0)) throw new GreenmlError('INVALID_INPUT', `${what} must be a finite amount of zero or more, got ${String(x)}.`);
}

export function evaluateBudget(budget: Budget, amounts: BudgetAmounts, previous: BudgetEvalState | null): BudgetEvaluation {
  requireAmount(amounts.actual, 'Actual amount');
  requireAmount(amounts.forecast, 'Forecast amount');
  let period: BudgetEvaluation['period'];
  if (isCalendarPeriod(budget.period)) {
    const b = periodBounds(budget.period, amounts.nowMs);
    period = { key: b.key, startMs: b.startMs, endMs: b.endMs };
  } else {
    if (!amounts.runId) throw new GreenmlError('INVALID_INPUT', `Budget "${budget.name}" is per run: evaluate it with the run's id.`);
    period = { key: `run:${amounts.runId}`, startMs: null, endMs: null };
  }

  // A new period re-arms every notification.
  const armed = previous && previous.periodKey === period.key ? new Set(previous.alarms) : new Set<string>();
  const limit = budget.limit.amount;
  const statuses: NotificationStatus[] = [];
  const toSend: BudgetAlert[] = [];
  const alarms: string[] = [];
  for (const n of budget.notifications) {
    const key = notificationKey(n);
    const thresholdAmount = thresholdAmountOf(n, limit);
    const amount = n.type === 'actual' ? amounts.actual : amounts.forecast;
    // Without a forecast a forecasted notification keeps its state: no data is not a recovery.
    const wasAlarm = armed.has(key);
    const isAlarm = amount === null ? wasAlarm : amount > thresholdAmount;
    if (isAlarm) alarms.push(key);
    statuses.push({ notification: n, key, state: isAlarm ? 'alarm' : 'ok', amount, thresholdAmount });
    if (isAlarm && !wasAlarm && amount !== null) {
      toSend.push({
        budgetId: budget.id,
        budgetName: budget.name,
        kind: budget.kind,
        scope: budget.scope,
        limit: budget.limit,
        notification: n,
        notificationKey: key,
        amount,
        thresholdAmount,
        unit: budget.limit.unit,
        percentOfLimit: (amount / limit) * 100,
        period: { name: budget.period, ...period },
        state: 'alarm',
        atMs: amounts.nowMs,
        dedupeKey: `${budget.id}|${key}|${period.key}|${amounts.nowMs}`,
      });
    }
  }
  return {
    state: alarms.length > 0 ? 'alarm' : 'ok',
    notificationsToSend: toSend,
    nextState: { periodKey: period.key, alarms },
    notifications: statuses,
    period,
    actual: amounts.actual,
    forecast: amounts.forecast,
    limit,
    unit: budget.limit.unit,
    overLimit: amounts.actual > limit,
    forecastOverLimit: amounts.forecast !== null && amounts.forecast > limit,
  };
}
