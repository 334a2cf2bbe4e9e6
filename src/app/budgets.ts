/**
 * Evaluating budgets against the store and sending what fired: the verb behind `greenml budget
 * check`, the end of every `greenml run`, and the server's periodic loop.
 *
 * Safe to call at any time, from any number of processes at once:
 * - The state of each (budget, period) is written with compare-and-set, together with the alerts
 *   the evaluation produced. An evaluator that loses the race re-reads and re-evaluates, and then
 *   finds the notification already in ALARM: each crossing is recorded once.
 * - Each alert is claimed before it is sent (pending -> sending, with a time limit), so one sender
 *   delivers it; an alert left pending or half-sent by a process that died is picked up by the
 *   next evaluation once its claim has run out.
 * - An evaluation older than the stored one (an earlier `nowMs`) writes nothing.
 */
import { randomUUID } from 'node:crypto';
import {
  budgetAmountOf,
  evaluateBudget,
  forecastPeriod,
  GreenmlError,
  isCalendarPeriod,
  periodBounds,
  predictedRemainder,
  type BudgetAlert,
  type BudgetEvaluation,
  type Estimate,
  type NotificationStatus,
  type RunPrediction,
  type RunRecord,
} from '../core/index.js';
import type { AlertDelivery, BudgetAlertRecord, BudgetRecord, BudgetStateRecord, BudgetStatus, Store } from '../store/index.js';
import { deliverAlert, type DeliveryOptions, type FetchLike } from './alerts.js';

/** A run still in progress with its prediction, so forecasts can count what it will add. */
export interface RunningPrediction {
  runId: string;
  project: string;
  startedAt: number;
  prediction: RunPrediction;
}

export interface EvaluateBudgetsOptions {
  store: Store;
  nowMs: number;
  fetch: FetchLike;
  sleep: (ms: number) => Promise<void>;
  /** Time of each delivery attempt; default the system clock. */
  clock?: () => number;
  /** Retry policy and timeouts for webhooks (app/alerts.ts DELIVERY_DEFAULTS otherwise). */
  delivery?: Partial<Omit<DeliveryOptions, 'fetch' | 'sleep' | 'nowMs'>>;
  runningPredictions?: readonly RunningPrediction[];
  /** Only these budgets (ids or names); default every budget. NOT_FOUND for an unknown one. */
  budgetIds?: readonly string[];
  /**
   * Runs to evaluate per-run budgets on (the run that just ended). Default: the runs in each
   * per-run budget's scope still running or started since the budget was created (the latest
   * RECENT_RUNS of each).
   */
  runIds?: readonly string[];
  newId?: () => string;
}

/** Where one budget stands in one period (or for one run). */
export interface BudgetCheck {
  budgetId: string;
  budgetName: string;
  periodKey: string;
  startMs: number | null;
  endMs: number | null;
  runId: string | null;
  actual: number;
  forecast: number | null;
  forecastRange: { low: number; high: number | null } | null;
  forecastBasis: 'run-rate' | 'committed-only' | 'run-prediction' | 'final' | null;
  limit: number;
  unit: BudgetRecord['limit']['unit'];
  state: BudgetStatus;
  notifications: NotificationStatus[];
  /**
   * written: state stored; unchanged: an earlier evaluation already holds (a finished run);
   * stale: a later evaluation is stored, this one was dropped.
   */
  outcome: 'written' | 'unchanged' | 'stale';
  /** The crossings this call recorded (OK -> ALARM) and recoveries (ALARM -> OK). */
  alerts: BudgetAlertRecord[];
}

export interface EvaluateBudgetsResult {
  nowMs: number;
  checks: BudgetCheck[];
  /** Alerts this call sent or tried to send (its own and ones left pending earlier), as stored after. */
  sent: BudgetAlertRecord[];
}

/** Per-run budgets look at this many of the latest runs when no run is named (greenml, 2026). */
export const RECENT_RUNS = 100;
/** Tries of the compare-and-set loop before giving up on a contended budget (greenml, 2026). */
const CAS_TRIES = 5;
/**
 * How long a sender holds an alert, ms (greenml, 2026): longer than a full delivery at the
 * defaults (5 tries of at most 10 s plus 1 + 2 + 4 + 8 s of backoff, 65 s) with room to spare.
 */
export const ALERT_CLAIM_MS = 5 * 60_000;

/** One evaluation target: a calendar period of a budget, or one run of a per-run budget. */
interface Target {
  periodKey: string;
  startMs: number | null;
  endMs: number | null;
  runId: string | null;
  /** A finished run's amounts never change: once stored, nothing is left to evaluate. */
  final: boolean;
  actual: number;
  forecast: number | null;
  forecastRange: BudgetCheck['forecastRange'];
  forecastBasis: BudgetCheck['forecastBasis'];
}

const inScope = (budget: BudgetRecord, project: string): boolean => budget.scope.project === null || budget.scope.project === project;

function runAmount(budget: BudgetRecord, run: RunRecord): number {
  return budgetAmountOf(budget.kind, { energyKwh: run.energyKwh, co2eG: run.totalG, costUsd: run.costUsd }) ?? 0;
}

/** The amounts of a budget's current period, or of each run a per-run budget covers. Reads only. */
export async function measureBudget(
  store: Store,
  budget: BudgetRecord,
  nowMs: number,
  options: { runningPredictions?: readonly RunningPrediction[]; runIds?: readonly string[] } = {},
): Promise<Target[]> {
  const predictions = options.runningPredictions ?? [];
  if (isCalendarPeriod(budget.period)) {
    const b = periodBounds(budget.period, nowMs);
    const totals = await store.runTotals({ ...(budget.scope.project === null ? {} : { project: budget.scope.project }), since: b.startMs, until: b.endMs });
    const actual = budgetAmountOf(budget.kind, { energyKwh: totals.energyKwh, co2eG: totals.totalG, costUsd: totals.costUsd }) ?? 0;
    const running: Estimate[] = [];
    for (const p of predictions) {
      if (!inScope(budget, p.project) || p.startedAt < b.startMs || p.startedAt >= b.endMs) continue;
      const left = predictedRemainder(budget.kind, p.prediction);
      if (left) running.push(left);
    }
    const f = forecastPeriod({ period: budget.period, nowMs, actual, running });
    return [
      {
        periodKey: b.key,
        startMs: b.startMs,
        endMs: b.endMs,
        runId: null,
        final: false,
        actual,
        forecast: f.central,
        forecastRange: { low: f.low, high: f.high },
        forecastBasis: f.basis,
      },
    ];
  }
  let runs: RunRecord[];
  if (options.runIds) {
    const found = await Promise.all(options.runIds.map((id) => store.getRun(id)));
    runs = found.filter((r): r is RunRecord => r !== null && inScope(budget, r.project));
  } else {
    const scope = budget.scope.project === null ? {} : { project: budget.scope.project };
    const [recent, live] = [
      await store.listRuns({ ...scope, since: budget.createdAt, sort: 'startedAt', order: 'desc', limit: RECENT_RUNS }),
      await store.listRuns({ ...scope, status: 'running', sort: 'startedAt', order: 'desc', limit: RECENT_RUNS }),
    ];
    const byId = new Map([...live.runs, ...recent.runs].map((r) => [r.id, r]));
    runs = [...byId.values()];
  }
  return runs.map((run) => {
    const actual = runAmount(budget, run);
    const p = run.status === 'running' ? predictions.find((x) => x.runId === run.id) : undefined;
    const left = p ? predictedRemainder(budget.kind, p.prediction) : null;
    const finished = run.status !== 'running';
    return {
      periodKey: `run:${run.id}`,
      startMs: null,
      endMs: null,
      runId: run.id,
      final: finished,
      actual,
      forecast: finished ? actual : left ? actual + left.central : null,
      forecastRange: finished ? { low: actual, high: actual } : left ? { low: actual + left.low, high: left.high === null ? null : actual + left.high } : null,
      forecastBasis: finished ? 'final' : left ? 'run-prediction' : null,
    };
  });
}

function alertRecords(
  budget: BudgetRecord,
  ev: BudgetEvaluation,
  previous: BudgetStateRecord | null,
  nowMs: number,
  newId: () => string,
): BudgetAlertRecord[] {
  const from: BudgetStatus | null = previous?.status ?? null;
  const base = (n: NotificationStatus) => ({
    budgetId: budget.id,
    budgetName: budget.name,
    atMs: nowMs,
    periodKey: ev.period.key,
    notificationKey: n.key,
    notification: n.notification,
    amount: n.amount,
    thresholdAmount: n.thresholdAmount,
    limit: budget.limit,
    budgetState: { from, to: ev.state },
    claimUntilMs: null,
  });
  const out: BudgetAlertRecord[] = [];
  const byKey = new Map(ev.notifications.map((n) => [n.key, n]));
  for (const alert of ev.notificationsToSend) {
    const n = byKey.get(alert.notificationKey);
    if (!n) continue;
    const deliveries: AlertDelivery[] = budget.webhooks.map((w) => ({
      url: w.url,
      format: w.format,
      dedupeKey: alert.dedupeKey,
      delivered: false,
      attempts: [],
      status: null,
      error: null,
    }));
    out.push({ ...base(n), id: newId(), event: 'alarm', alert, deliveryState: deliveries.length > 0 ? 'pending' : 'none', deliveries });
  }
  // Recoveries within the period (a refund, a forecast that improved): recorded, not sent.
  for (const key of previous?.alarms ?? []) {
    const n = byKey.get(key);
    if (n && n.state === 'ok') out.push({ ...base(n), id: newId(), event: 'ok', alert: null, deliveryState: 'none', deliveries: [] });
  }
  return out;
}

async function evaluateTarget(store: Store, budget: BudgetRecord, target: Target, nowMs: number, newId: () => string): Promise<BudgetCheck> {
  for (let attempt = 1; ; attempt++) {
    const previous = await store.getBudgetState(budget.id, target.periodKey);
    const ev = evaluateBudget(
      budget,
      { actual: target.actual, forecast: target.forecast, nowMs, ...(target.runId === null ? {} : { runId: target.runId }) },
      previous ? { periodKey: previous.periodKey, alarms: previous.alarms } : null,
    );
    const check: BudgetCheck = {
      budgetId: budget.id,
      budgetName: budget.name,
      periodKey: target.periodKey,
      startMs: target.startMs,
      endMs: target.endMs,
      runId: target.runId,
      actual: target.actual,
      forecast: target.forecast,
      forecastRange: target.forecastRange,
      forecastBasis: target.forecastBasis,
      limit: ev.limit,
      unit: ev.unit,
      state: ev.state,
      notifications: ev.notifications,
      outcome: 'written',
      alerts: [],
    };
    if (previous && previous.evaluatedAt > nowMs) return { ...check, state: previous.status, outcome: 'stale' };
    // A finished run already evaluated at its final amount: nothing can change any more.
    if (previous && target.final && previous.actual === target.actual && ev.notificationsToSend.length === 0 && sameAlarms(previous.alarms, ev.nextState.alarms)) {
      return { ...check, outcome: 'unchanged' };
    }
    const alerts = alertRecords(budget, ev, previous, nowMs, newId);
    const stored = await store.putBudgetState(
      {
        budgetId: budget.id,
        periodKey: target.periodKey,
        alarms: ev.nextState.alarms,
        status: ev.state,
        actual: target.actual,
        forecast: target.forecast,
        startMs: target.startMs,
        endMs: target.endMs,
        evaluatedAt: nowMs,
      },
      { expectVersion: previous?.version ?? null, alerts },
    );
    if (stored) return { ...check, alerts };
    if (attempt >= CAS_TRIES) {
      throw new GreenmlError('CONFLICT', `Budget "${budget.name}" is being evaluated by others right now (${CAS_TRIES} tries lost). Try again in a moment.`, {
        details: { budgetId: budget.id },
      });
    }
  }
}

const sameAlarms = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((k) => b.includes(k));

/** Claims one alert and sends it to the webhooks it has not reached yet; returns it as stored after. */
async function sendAlert(store: Store, alertId: string, options: EvaluateBudgetsOptions): Promise<BudgetAlertRecord | null> {
  const claimed = await store.claimAlert(alertId, { nowMs: options.nowMs, claimMs: ALERT_CLAIM_MS });
  if (!claimed || !claimed.alert) return null;
  const alert: BudgetAlert = claimed.alert;
  const deliveryOptions: DeliveryOptions = { ...options.delivery, fetch: options.fetch, sleep: options.sleep, nowMs: options.clock ?? Date.now };
  const deliveries: AlertDelivery[] = [];
  for (const d of claimed.deliveries) {
    if (d.delivered) {
      deliveries.push(d);
      continue;
    }
    const r = await deliverAlert(alert, { url: d.url, format: d.format }, deliveryOptions);
    // Attempts of an earlier sender that died stay in the record.
    deliveries.push({ ...r, attempts: [...d.attempts, ...r.attempts] });
  }
  const deliveryState = deliveries.every((d) => d.delivered) ? 'delivered' : 'failed';
  await store.finishAlert(alertId, { deliveryState, deliveries });
  return { ...claimed, deliveryState, claimUntilMs: null, deliveries };
}

export async function evaluateBudgets(options: EvaluateBudgetsOptions): Promise<EvaluateBudgetsResult> {
  const { store, nowMs } = options;
  if (!Number.isSafeInteger(nowMs)) throw new GreenmlError('INVALID_INPUT', `nowMs must be epoch milliseconds, got ${String(nowMs)}.`);
  const newId = options.newId ?? randomUUID;
  let budgets: BudgetRecord[];
  if (options.budgetIds) {
    budgets = [];
    for (const idOrName of options.budgetIds) {
      const b = await store.getBudget(idOrName);
      if (!b) throw new GreenmlError('NOT_FOUND', `No budget named "${idOrName}". List them with: greenml budget list`, { details: { id: idOrName } });
      budgets.push(b);
    }
  } else budgets = await store.listBudgets();

  const checks: BudgetCheck[] = [];
  for (const budget of budgets) {
    const targets = await measureBudget(store, budget, nowMs, {
      ...(options.runningPredictions ? { runningPredictions: options.runningPredictions } : {}),
      ...(options.runIds ? { runIds: options.runIds } : {}),
    });
    for (const target of targets) checks.push(await evaluateTarget(store, budget, target, nowMs, newId));
  }

  // Send what is pending for these budgets, oldest first: this call's alerts and any left behind.
  const ids = new Set(budgets.map((b) => b.id));
  const waiting = (await store.listAlerts({ deliveryState: ['pending', 'sending'], limit: 1000 }))
    .filter((a) => ids.has(a.budgetId) && (a.deliveryState === 'pending' || (a.claimUntilMs ?? 0) < nowMs))
    .reverse();
  const sent: BudgetAlertRecord[] = [];
  for (const a of waiting) {
    const done = await sendAlert(store, a.id, options);
    if (done) sent.push(done);
  }
  const byId = new Map(sent.map((a) => [a.id, a]));
  for (const c of checks) c.alerts = c.alerts.map((a) => byId.get(a.id) ?? a);
  return { nowMs, checks, sent };
}
