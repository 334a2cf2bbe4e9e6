/**
 * Creating, listing, showing and removing budgets: the verbs behind `greenml budget set|list|show|rm`
 * and the server's budget routes. Specs are validated (core validateBudgetSpec) before the store is
 * touched, so a refused budget leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import { GreenmlError, isCalendarPeriod, periodBounds, validateBudgetSpec, type BudgetSpec } from '../core/index.js';
import type { BudgetAlertRecord, BudgetRecord, BudgetStateRecord, BudgetStatus, Store } from '../store/index.js';
import { measureBudget, type RunningPrediction } from './budgets.js';

export interface SetBudgetResult {
  budget: BudgetRecord;
  created: boolean;
}

/**
 * Creates the budget named in `input`, or replaces the spec of the budget with that name (same id,
 * same createdAt, so its state and history carry on). `input` is a spec as a user writes it.
 */
export async function setBudget(options: { store: Store; input: unknown; nowMs: number; newId?: () => string }): Promise<SetBudgetResult> {
  const spec: BudgetSpec = validateBudgetSpec(options.input);
  const existing = await options.store.getBudget(spec.name);
  const budget: BudgetRecord = {
    id: existing?.id ?? (options.newId ?? randomUUID)(),
    ...spec,
    createdAt: existing?.createdAt ?? options.nowMs,
    updatedAt: options.nowMs,
  };
  await options.store.putBudget(budget);
  return { budget, created: existing === null };
}

export async function requireBudget(store: Store, idOrName: string): Promise<BudgetRecord> {
  const b = await store.getBudget(idOrName);
  if (!b) throw new GreenmlError('NOT_FOUND', `No budget named "${idOrName}". List them with: greenml budget list`, { details: { id: idOrName } });
  return b;
}

export async function removeBudget(options: { store: Store; idOrName: string }): Promise<BudgetRecord> {
  const b = await requireBudget(options.store, options.idOrName);
  await options.store.deleteBudget(b.id);
  return b;
}

/** A budget with where it stands now, for listings. */
export interface BudgetStatusRow {
  budget: BudgetRecord;
  /** The current period ("2026-03"), or the latest evaluated run ("run:<id>") of a per-run budget. */
  periodKey: string | null;
  actual: number | null;
  forecast: number | null;
  /** The stored state of that period; null when it has not been evaluated yet (greenml budget check). */
  state: BudgetStatus | null;
  evaluatedAt: number | null;
  lastAlert: BudgetAlertRecord | null;
}

/**
 * Where a budget stands. Calendar budgets: actual and forecast of the current period, read live;
 * the state is the one stored by the last evaluation in the period. Per-run budgets: the latest
 * evaluated run. Nothing is written and nothing is sent.
 */
export async function budgetStatus(
  store: Store,
  budget: BudgetRecord,
  nowMs: number,
  runningPredictions?: readonly RunningPrediction[],
): Promise<BudgetStatusRow> {
  const [lastAlert] = await store.listAlerts({ budgetId: budget.id, limit: 1 });
  if (isCalendarPeriod(budget.period)) {
    const key = periodBounds(budget.period, nowMs).key;
    const [target] = await measureBudget(store, budget, nowMs, runningPredictions ? { runningPredictions } : {});
    const stored = await store.getBudgetState(budget.id, key);
    return {
      budget,
      periodKey: key,
      actual: target?.actual ?? null,
      forecast: target?.forecast ?? null,
      state: stored?.status ?? null,
      evaluatedAt: stored?.evaluatedAt ?? null,
      lastAlert: lastAlert ?? null,
    };
  }
  const [latest] = await store.listBudgetStates(budget.id, { limit: 1 });
  return {
    budget,
    periodKey: latest?.periodKey ?? null,
    actual: latest?.actual ?? null,
    forecast: latest?.forecast ?? null,
    state: latest?.status ?? null,
    evaluatedAt: latest?.evaluatedAt ?? null,
    lastAlert: lastAlert ?? null,
  };
}

export async function listBudgetStatus(options: { store: Store; nowMs: number; project?: string }): Promise<BudgetStatusRow[]> {
  const all = await options.store.listBudgets();
  const wanted = options.project === undefined ? all : all.filter((b) => b.scope.project === null || b.scope.project === options.project);
  const rows: BudgetStatusRow[] = [];
  for (const b of wanted) rows.push(await budgetStatus(options.store, b, options.nowMs));
  return rows;
}

export interface BudgetDetail extends BudgetStatusRow {
  /** Evaluated periods (or runs), latest first. */
  states: BudgetStateRecord[];
  /** Crossings and recoveries with their deliveries, newest first. */
  alerts: BudgetAlertRecord[];
}

export async function showBudget(options: { store: Store; idOrName: string; nowMs: number; limit?: number }): Promise<BudgetDetail> {
  const budget = await requireBudget(options.store, options.idOrName);
  const limit = options.limit ?? 50;
  const [status, states, alerts] = [
    await budgetStatus(options.store, budget, options.nowMs),
    await options.store.listBudgetStates(budget.id, { limit }),
    await options.store.listAlerts({ budgetId: budget.id, limit }),
  ];
  return { ...status, states, alerts };
}
