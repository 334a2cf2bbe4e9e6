/**
 * Budgets, their per-period evaluation state and their alert history. The state is written with
 * compare-and-set on a version, together with the alerts it produced, so two evaluators of one
 * budget (a run's epilogue and the server's loop) can never both record, and send, one crossing.
 * Alert delivery is claimed the same way: one sender per alert at a time.
 */
import { GreenmlError, validateBudgetSpec, type Budget } from '../core/index.js';
import { count, notFound, type Db } from './query-kit.js';
import type { BudgetAlertsTable, BudgetStatesTable, BudgetsTable } from './schema.js';
import {
  ALERT_DELIVERY_STATES,
  ALERT_EVENTS,
  type AlertClaim,
  type AlertDeliveryState,
  type AlertOutcome,
  type AlertQuery,
  type BudgetAlertRecord,
  type BudgetRecord,
  type BudgetStateInput,
  type BudgetStateRecord,
  type PutBudgetStateOptions,
} from './store.js';
import { finite, id, int, invalid, jsonValue, pageLimit, text } from './validate.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: number | string | bigint): number => Number(v);
const numOrNull = (v: number | string | bigint | null): number | null => (v === null ? null : Number(v));
const intOrNull = (v: unknown, field: string): void => {
  if (v !== null) int(v, field);
};
function oneOf<T extends string>(v: unknown, allowed: readonly T[], field: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) invalid(field, `one of ${allowed.join(', ')}`, v);
  return v as T;
}
// A period key is "run:" + a run id (at most 200 characters) or a calendar key; 300 leaves room.
const periodKey = (v: unknown, field: string): string => text(v, field, { nonEmpty: true, max: 300 });

// ---------------------------------------------------------------- budgets

/** The stored form of a budget: the normalised spec; the store refuses what validateBudgetSpec refuses. */
function normalise(budget: BudgetRecord): BudgetRecord {
  if (!isRecord(budget)) invalid('budget', 'an object', budget);
  id(budget.id, 'budget.id');
  int(budget.createdAt, 'budget.createdAt');
  int(budget.updatedAt, 'budget.updatedAt');
  let spec;
  try {
    spec = validateBudgetSpec(budget);
  } catch (e) {
    if (e instanceof GreenmlError) throw new GreenmlError(e.code, `${e.message} Nothing was written.`, { details: e.details ?? {} });
    throw e;
  }
  jsonValue(spec, 'budget');
  return { id: budget.id, ...spec, createdAt: budget.createdAt, updatedAt: budget.updatedAt };
}

function budgetToRow(b: BudgetRecord): BudgetsTable {
  const { id: budgetId, createdAt, updatedAt, ...spec } = b;
  return { id: budgetId, name: b.name, project: b.scope.project, spec: JSON.stringify(spec), created_at: createdAt, updated_at: updatedAt };
}

function rowToBudget(row: BudgetsTable): BudgetRecord {
  const spec = JSON.parse(row.spec) as Omit<Budget, 'id'>;
  return { id: row.id, ...spec, createdAt: num(row.created_at), updatedAt: num(row.updated_at) };
}

export async function putBudget(db: Db, budget: BudgetRecord): Promise<void> {
  const b = normalise(budget);
  const row = budgetToRow(b);
  await db.transaction().execute(async (trx) => {
    const holder = await trx.selectFrom('budgets').select('id').where('name', '=', b.name).where('id', '!=', b.id).executeTakeFirst();
    if (holder) {
      throw new GreenmlError('CONFLICT', `A budget named "${b.name}" exists already (id ${holder.id}). Choose another name, or update that budget.`, {
        details: { id: holder.id, name: b.name },
      });
    }
    const { id: _id, ...values } = row;
    await trx
      .insertInto('budgets')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
  });
}

export async function getBudget(db: Db, idOrName: string): Promise<BudgetRecord | null> {
  text(idOrName, 'budget id or name', { nonEmpty: true, max: 200 });
  const byId = await db.selectFrom('budgets').selectAll().where('id', '=', idOrName).executeTakeFirst();
  const row = byId ?? (await db.selectFrom('budgets').selectAll().where('name', '=', idOrName).executeTakeFirst());
  return row ? rowToBudget(row) : null;
}

export async function listBudgets(db: Db): Promise<BudgetRecord[]> {
  const rows = await db.selectFrom('budgets').selectAll().execute();
  // Sorted here: PostgreSQL's collation would order names differently from SQLite's bytes.
  return rows.map(rowToBudget).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function deleteBudget(db: Db, budgetId: string): Promise<boolean> {
  id(budgetId, 'id');
  const res = await db.deleteFrom('budgets').where('id', '=', budgetId).executeTakeFirst();
  return count(res.numDeletedRows) > 0;
}

// ---------------------------------------------------------------- states

function validateState(s: BudgetStateInput): void {
  if (!isRecord(s)) invalid('state', 'an object', s);
  id(s.budgetId, 'state.budgetId');
  periodKey(s.periodKey, 'state.periodKey');
  if (!Array.isArray(s.alarms)) invalid('state.alarms', 'an array of notification keys', s.alarms);
  s.alarms.forEach((k, i) => text(k, `state.alarms[${i}]`, { nonEmpty: true, max: 200 }));
  oneOf(s.status, ['ok', 'alarm'] as const, 'state.status');
  if (finite(s.actual, 'state.actual') < 0) invalid('state.actual', 'a number >= 0', s.actual);
  if (s.forecast !== null) finite(s.forecast, 'state.forecast');
  intOrNull(s.startMs, 'state.startMs');
  intOrNull(s.endMs, 'state.endMs');
  int(s.evaluatedAt, 'state.evaluatedAt');
}

function rowToState(row: BudgetStatesTable): BudgetStateRecord {
  return {
    budgetId: row.budget_id,
    periodKey: row.period_key,
    alarms: JSON.parse(row.alarms) as string[],
    status: row.status as BudgetStateRecord['status'],
    actual: num(row.actual),
    forecast: numOrNull(row.forecast),
    startMs: numOrNull(row.start_ms),
    endMs: numOrNull(row.end_ms),
    evaluatedAt: num(row.evaluated_at),
    version: num(row.version),
  };
}

export async function getBudgetState(db: Db, budgetId: string, key: string): Promise<BudgetStateRecord | null> {
  id(budgetId, 'budgetId');
  periodKey(key, 'periodKey');
  const row = await db.selectFrom('budget_states').selectAll().where('budget_id', '=', budgetId).where('period_key', '=', key).executeTakeFirst();
  return row ? rowToState(row) : null;
}

export async function listBudgetStates(db: Db, budgetId: string, options: { limit?: number }): Promise<BudgetStateRecord[]> {
  id(budgetId, 'budgetId');
  const limit = pageLimit(options.limit, 50);
  const rows = await db
    .selectFrom('budget_states')
    .selectAll()
    .where('budget_id', '=', budgetId)
    .orderBy('evaluated_at', 'desc')
    .orderBy('period_key', 'desc')
    .limit(limit)
    .execute();
  return rows.map(rowToState);
}

export async function putBudgetState(db: Db, state: BudgetStateInput, options: PutBudgetStateOptions): Promise<BudgetStateRecord | null> {
  validateState(state);
  if (!isRecord(options)) invalid('options', 'an object with expectVersion', options);
  const expect = options.expectVersion;
  if (expect !== null) int(expect, 'options.expectVersion');
  const alerts = options.alerts ?? [];
  if (!Array.isArray(alerts)) invalid('options.alerts', 'an array', alerts);
  const alertRows = alerts.map((a, i) => {
    validateAlert(a, `options.alerts[${i}]`);
    if (a.budgetId !== state.budgetId) invalid(`options.alerts[${i}].budgetId`, `"${state.budgetId}" (the state's budget)`, a.budgetId);
    return alertToRow(a);
  });
  const version = (expect ?? 0) + 1;
  const values: BudgetStatesTable = {
    budget_id: state.budgetId,
    period_key: state.periodKey,
    status: state.status,
    alarms: JSON.stringify(state.alarms),
    actual: state.actual,
    forecast: state.forecast,
    start_ms: state.startMs,
    end_ms: state.endMs,
    evaluated_at: state.evaluatedAt,
    version,
  };
  return db.transaction().execute(async (trx) => {
    const budget = await trx.selectFrom('budgets').select('id').where('id', '=', state.budgetId).executeTakeFirst();
    if (!budget) throw notFound('budget', state.budgetId);
    let written: number;
    if (expect === null) {
      const res = await trx
        .insertInto('budget_states')
        .values(values)
        .onConflict((oc) => oc.columns(['budget_id', 'period_key']).doNothing())
        .executeTakeFirst();
      written = count(res.numInsertedOrUpdatedRows);
    } else {
      const { budget_id: _b, period_key: _p, ...changes } = values;
      const res = await trx
        .updateTable('budget_states')
        .set(changes)
        .where('budget_id', '=', state.budgetId)
        .where('period_key', '=', state.periodKey)
        .where('version', '=', expect)
        .executeTakeFirst();
      written = count(res.numUpdatedRows);
    }
    if (written === 0) return null;
    if (alertRows.length > 0) {
      await trx
        .insertInto('budget_alerts')
        .values(alertRows)
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
    return { ...state, alarms: [...state.alarms], version };
  });
}

// ---------------------------------------------------------------- alerts

function validateAlert(a: BudgetAlertRecord, field: string): void {
  if (!isRecord(a)) invalid(field, 'an object', a);
  id(a.id, `${field}.id`);
  id(a.budgetId, `${field}.budgetId`);
  text(a.budgetName, `${field}.budgetName`, { nonEmpty: true, max: 200 });
  int(a.atMs, `${field}.atMs`);
  periodKey(a.periodKey, `${field}.periodKey`);
  oneOf(a.event, ALERT_EVENTS, `${field}.event`);
  text(a.notificationKey, `${field}.notificationKey`, { nonEmpty: true, max: 200 });
  if (!isRecord(a.notification)) invalid(`${field}.notification`, 'an object', a.notification);
  if (a.amount !== null) finite(a.amount, `${field}.amount`);
  finite(a.thresholdAmount, `${field}.thresholdAmount`);
  if (!isRecord(a.limit)) invalid(`${field}.limit`, 'an object', a.limit);
  if (!isRecord(a.budgetState)) invalid(`${field}.budgetState`, 'an object', a.budgetState);
  if (a.alert !== null && !isRecord(a.alert)) invalid(`${field}.alert`, 'an object or null', a.alert);
  oneOf(a.deliveryState, ALERT_DELIVERY_STATES, `${field}.deliveryState`);
  intOrNull(a.claimUntilMs, `${field}.claimUntilMs`);
  if (!Array.isArray(a.deliveries)) invalid(`${field}.deliveries`, 'an array', a.deliveries);
  jsonValue(a, field);
}

function alertToRow(a: BudgetAlertRecord): BudgetAlertsTable {
  const { deliveryState, claimUntilMs, deliveries, ...document } = a;
  return {
    id: a.id,
    budget_id: a.budgetId,
    at_ms: a.atMs,
    period_key: a.periodKey,
    event: a.event,
    delivery_state: deliveryState,
    claim_until_ms: claimUntilMs,
    document: JSON.stringify(document),
    deliveries: JSON.stringify(deliveries),
  };
}

function rowToAlert(row: BudgetAlertsTable): BudgetAlertRecord {
  const document = JSON.parse(row.document) as Omit<BudgetAlertRecord, 'deliveryState' | 'claimUntilMs' | 'deliveries'>;
  return {
    ...document,
    deliveryState: row.delivery_state as AlertDeliveryState,
    claimUntilMs: numOrNull(row.claim_until_ms),
    deliveries: JSON.parse(row.deliveries) as BudgetAlertRecord['deliveries'],
  };
}

export async function appendAlert(db: Db, alert: BudgetAlertRecord): Promise<boolean> {
  validateAlert(alert, 'alert');
  return db.transaction().execute(async (trx) => {
    const budget = await trx.selectFrom('budgets').select('id').where('id', '=', alert.budgetId).executeTakeFirst();
    if (!budget) throw notFound('budget', alert.budgetId);
    const res = await trx
      .insertInto('budget_alerts')
      .values(alertToRow(alert))
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return count(res.numInsertedOrUpdatedRows) > 0;
  });
}

export async function listAlerts(db: Db, q: AlertQuery): Promise<BudgetAlertRecord[]> {
  if (!isRecord(q)) invalid('query', 'an object', q);
  const limit = pageLimit(q.limit, 50);
  if (q.budgetId !== undefined) id(q.budgetId, 'budgetId');
  const states =
    q.deliveryState === undefined
      ? null
      : (Array.isArray(q.deliveryState) ? q.deliveryState : [q.deliveryState]).map((s, i) => oneOf(s, ALERT_DELIVERY_STATES, `deliveryState[${i}]`));
  const rows = await db
    .selectFrom('budget_alerts')
    .selectAll()
    .$if(q.budgetId !== undefined, (qb) => qb.where('budget_id', '=', q.budgetId as string))
    .$if(states !== null && states.length > 0, (qb) => qb.where('delivery_state', 'in', states as AlertDeliveryState[]))
    .orderBy('at_ms', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(rowToAlert);
}

export async function claimAlert(db: Db, alertId: string, claim: AlertClaim): Promise<BudgetAlertRecord | null> {
  id(alertId, 'id');
  if (!isRecord(claim)) invalid('claim', 'an object with nowMs and claimMs', claim);
  const nowMs = int(claim.nowMs, 'claim.nowMs');
  if (int(claim.claimMs, 'claim.claimMs') <= 0) invalid('claim.claimMs', 'an integer > 0', claim.claimMs);
  return db.transaction().execute(async (trx) => {
    // One statement decides: concurrent claimers serialise on the row and re-check the condition.
    const res = await trx
      .updateTable('budget_alerts')
      .set({ delivery_state: 'sending', claim_until_ms: nowMs + claim.claimMs })
      .where('id', '=', alertId)
      .where((eb) => eb.or([eb('delivery_state', '=', 'pending'), eb.and([eb('delivery_state', '=', 'sending'), eb('claim_until_ms', '<', nowMs)])]))
      .executeTakeFirst();
    if (count(res.numUpdatedRows) === 0) return null;
    const row = await trx.selectFrom('budget_alerts').selectAll().where('id', '=', alertId).executeTakeFirstOrThrow();
    return rowToAlert(row);
  });
}

export async function finishAlert(db: Db, alertId: string, outcome: AlertOutcome): Promise<boolean> {
  id(alertId, 'id');
  if (!isRecord(outcome)) invalid('outcome', 'an object', outcome);
  oneOf(outcome.deliveryState, ['delivered', 'failed'] as const, 'outcome.deliveryState');
  if (!Array.isArray(outcome.deliveries)) invalid('outcome.deliveries', 'an array', outcome.deliveries);
  jsonValue(outcome.deliveries, 'outcome.deliveries');
  const res = await db
    .updateTable('budget_alerts')
    .set({ delivery_state: outcome.deliveryState, claim_until_ms: null, deliveries: JSON.stringify(outcome.deliveries) })
    .where('id', '=', alertId)
    .where('delivery_state', '=', 'sending')
    .executeTakeFirst();
  return count(res.numUpdatedRows) > 0;
}
