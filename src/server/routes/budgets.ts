/**
 * Budgets, their per-period evaluation state and their alert history over HTTP (the Store port's
 * budget operations, docs/budgets.md). Records are checked in depth by the store (validateBudgetSpec
 * and the state and alert checks); here they are objects of the right parts. A project token
 * reaches only budgets scoped to its project; global budgets and alert delivery need a token for all projects.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { listBudgetStatus } from '../../app/index.js';
import { GreenmlError } from '../../core/index.js';
import type { BudgetAlertRecord, BudgetRecord, BudgetStateRecord, Store } from '../../store/index.js';
import { requireAllProjects, requireProject, requireScope, type Principal } from '../auth.js';
import { ALERT_DELIVERY_STATES_LIST, IdParam, intQuery, listQuery, type AlertDeliveryStateName } from '../query-schemas.js';
import { document, epochMs } from '../record-schemas.js';
import { jsonBody, jsonContent, pick, type App, type RouteContext } from './kit.js';

const tag = ['budgets'];
const BudgetSchema = document<BudgetRecord>('BudgetRecord', 'A budget: name, scope.project, kind, limit, period, notifications, webhooks, createdAt, updatedAt (docs/budgets.md).');
const StateSchema = document<BudgetStateRecord>('BudgetStateRecord', "A budget's evaluation in one period, with its compare-and-set version.");
const StateInputSchema = document<Omit<BudgetStateRecord, 'version'>>('BudgetStateInput', 'A state to write (the version is the store\'s).');
const AlertSchema = document<BudgetAlertRecord>('BudgetAlertRecord', 'One notification changing state, with its deliveries.');
const StatusRowSchema = z
  .object({
    budget: BudgetSchema,
    periodKey: z.string().nullable().openapi({ description: 'The current period ("2026-03"), or "run:<id>" of the latest evaluated run of a per-run budget' }),
    actual: z.number().nullable(),
    forecast: z.number().nullable().openapi({ description: 'End of period at the run rate so far' }),
    state: z.enum(['ok', 'alarm']).nullable().openapi({ description: 'Stored by the last evaluation in the period; null when not evaluated yet (greenml budget check)' }),
    evaluatedAt: epochMs().nullable(),
    lastAlert: AlertSchema.nullable(),
  })
  .openapi('BudgetStatusRow');

const budgetNotFound = (idOrName: string): GreenmlError =>
  new GreenmlError('NOT_FOUND', `No budget "${idOrName}" on this server. List them with GET /api/v1/budgets.`, { details: { budget: idOrName } });

/** Refuses a project token a budget of another project, or one for every project. */
function checkScopeOf(p: Principal, budget: BudgetRecord): void {
  if (p.project === null) return;
  const project = (budget as { scope?: { project?: string | null } }).scope?.project ?? null;
  if (project === null) requireAllProjects(p, `Budget "${String(budget.name)}" covers every project, so it`);
  else requireProject(p, project);
}

/** The budget by id or name, checked against the principal's project. */
async function budgetFor(store: Store, p: Principal, idOrName: string): Promise<BudgetRecord | null> {
  const b = await store.getBudget(idOrName);
  if (b) checkScopeOf(p, b);
  return b;
}

export function registerBudgetRoutes(app: App, { store, clock }: RouteContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/budgets',
      tags: tag,
      summary: 'Every budget, by name',
      responses: { 200: jsonContent(z.object({ budgets: z.array(BudgetSchema) }), 'Budgets'), ...pick(401, 403, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'read');
      const all = await store.listBudgets();
      return c.json({ budgets: p.project === null ? all : all.filter((b) => b.scope.project === p.project) }, 200);
    },
  );

  // Before /budgets/{id}, which would otherwise take "status" for a budget's name.
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/budgets/status',
      tags: tag,
      summary: 'Where each budget stands: actual and forecast of the current period, the stored state, the last alert (greenml budget list)',
      request: { query: z.object({ at: intQuery('The time whose period is reported, epoch ms (default: the server clock)').optional() }) },
      responses: { 200: jsonContent(z.object({ budgets: z.array(StatusRowSchema) }), 'Budgets by name with their status'), ...pick(400, 401, 403, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'read');
      const nowMs = c.req.valid('query').at ?? clock();
      const rows = await listBudgetStatus(p.project === null ? { store, nowMs } : { store, nowMs, project: p.project });
      // A project token sees the budgets of its project only, as GET /budgets does.
      return c.json({ budgets: p.project === null ? rows : rows.filter((r) => r.budget.scope.project === p.project) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/budgets/{id}',
      tags: tag,
      summary: 'A budget by id or name',
      request: { params: IdParam },
      responses: { 200: jsonContent(BudgetSchema, 'The budget'), ...pick(400, 401, 403, 404, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'read');
      const { id } = c.req.valid('param');
      const b = await budgetFor(store, p, id);
      if (!b) throw budgetNotFound(id);
      return c.json(b, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/budgets/{id}',
      tags: tag,
      summary: 'Create or replace a budget (names are unique)',
      request: { params: IdParam, body: jsonBody(BudgetSchema) },
      responses: { 204: { description: 'Stored' }, ...pick(400, 401, 403, 409, 413, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'admin');
      const { id } = c.req.valid('param');
      const budget = c.req.valid('json');
      if (budget.id !== id) throw new GreenmlError('INVALID_INPUT', `The body's id "${String(budget.id)}" differs from the path's "${id}".`, { details: { field: 'id' } });
      checkScopeOf(p, budget);
      if (p.project !== null) await budgetFor(store, p, id);
      await store.putBudget(budget);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/budgets/{id}',
      tags: tag,
      summary: 'Delete a budget with its states and alerts',
      request: { params: IdParam },
      responses: { 200: jsonContent(z.object({ deleted: z.literal(true) }), 'Deleted'), ...pick(401, 403, 404, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'admin');
      const { id } = c.req.valid('param');
      if (p.project !== null) await budgetFor(store, p, id);
      if (!(await store.deleteBudget(id))) throw budgetNotFound(id);
      return c.json({ deleted: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/budgets/{id}/states',
      tags: tag,
      summary: "A budget's evaluation states, latest first",
      request: { params: IdParam, query: z.object({ limit: intQuery('At most this many (default 50, at most 1000)').pipe(z.number().int().min(1).max(1000)).optional() }) },
      responses: { 200: jsonContent(z.object({ states: z.array(StateSchema) }), 'States'), ...pick(400, 401, 403, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'read');
      const { id } = c.req.valid('param');
      if (p.project !== null) await budgetFor(store, p, id);
      const { limit } = c.req.valid('query');
      return c.json({ states: await store.listBudgetStates(id, limit === undefined ? {} : { limit }) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/budgets/{id}/states/{periodKey}',
      tags: tag,
      summary: "A budget's state in one period",
      request: { params: IdParam.extend({ periodKey: z.string().min(1).max(300).openapi({ param: { name: 'periodKey', in: 'path' }, example: '2026-03' }) }) },
      responses: { 200: jsonContent(StateSchema, 'The state'), ...pick(400, 401, 403, 404, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'read');
      const { id, periodKey } = c.req.valid('param');
      if (p.project !== null) await budgetFor(store, p, id);
      const state = await store.getBudgetState(id, periodKey);
      if (!state) throw new GreenmlError('NOT_FOUND', `Budget ${id} has no state for ${periodKey}.`, { details: { budget: id, periodKey } });
      return c.json(state, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/budgets/{id}/states',
      tags: tag,
      summary: 'Write a period state (and its alerts) if the stored version is the expected one',
      request: {
        params: IdParam,
        body: jsonBody(z.strictObject({ state: StateInputSchema, expectVersion: z.number().int().nullable(), alerts: z.array(AlertSchema).optional() })),
      },
      responses: { 200: jsonContent(z.object({ state: StateSchema.nullable() }), 'The stored state, or null when another evaluator got there first'), ...pick(400, 401, 403, 404, 413, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'ingest');
      const { id } = c.req.valid('param');
      const { state, expectVersion, alerts } = c.req.valid('json');
      if (state.budgetId !== id) throw new GreenmlError('INVALID_INPUT', `state.budgetId "${String(state.budgetId)}" differs from the path's "${id}".`, { details: { field: 'state.budgetId' } });
      if (p.project !== null) await budgetFor(store, p, id);
      return c.json({ state: await store.putBudgetState(state, { expectVersion, ...(alerts ? { alerts } : {}) }) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/alerts',
      tags: tag,
      summary: 'Budget alerts, newest first',
      request: {
        query: z.object({
          budgetId: z.string().min(1).max(200).optional(),
          deliveryState: listQuery(ALERT_DELIVERY_STATES_LIST, 'Delivery states (repeat or comma-separate)').optional(),
          limit: intQuery('At most this many (default 50, at most 1000)').pipe(z.number().int().min(1).max(1000)).optional(),
        }),
      },
      responses: { 200: jsonContent(z.object({ alerts: z.array(AlertSchema) }), 'Alerts'), ...pick(400, 401, 403, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'read');
      const q = c.req.valid('query');
      if (p.project !== null) {
        if (q.budgetId === undefined) throw new GreenmlError('FORBIDDEN', `A token for project "${p.project}" lists alerts one budget at a time: add budgetId.`);
        await budgetFor(store, p, q.budgetId);
      }
      const states = q.deliveryState as AlertDeliveryStateName[] | undefined;
      return c.json({ alerts: await store.listAlerts({ budgetId: q.budgetId, deliveryState: states, limit: q.limit }) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/alerts',
      tags: tag,
      summary: 'Record an alert (idempotent on id)',
      request: { body: jsonBody(AlertSchema) },
      responses: { 200: jsonContent(z.object({ appended: z.boolean() }), 'false when the alert existed'), ...pick(400, 401, 403, 404, 413, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'ingest');
      const alert = c.req.valid('json');
      if (p.project !== null) await budgetFor(store, p, String(alert.budgetId));
      return c.json({ appended: await store.appendAlert(alert) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/alerts/{id}/claim',
      tags: tag,
      summary: 'Take an alert for delivery (one sender at a time)',
      request: { params: IdParam, body: jsonBody(z.strictObject({ nowMs: epochMs(), claimMs: z.number().int() })) },
      responses: { 200: jsonContent(z.object({ alert: AlertSchema.nullable() }), 'The claimed alert, or null'), ...pick(400, 401, 403, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'ingest');
      requireAllProjects(p, 'Delivering alerts');
      const { id } = c.req.valid('param');
      return c.json({ alert: await store.claimAlert(id, c.req.valid('json')) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/alerts/{id}/finish',
      tags: tag,
      summary: "Record a delivery's outcome on an alert being sent",
      request: {
        params: IdParam,
        body: jsonBody(z.strictObject({ deliveryState: z.enum(['delivered', 'failed']), deliveries: z.array(z.record(z.string(), z.unknown())) })),
      },
      responses: { 200: jsonContent(z.object({ finished: z.boolean() }), 'false when the alert is not being sent'), ...pick(400, 401, 403, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'ingest');
      requireAllProjects(p, 'Delivering alerts');
      const { id } = c.req.valid('param');
      const outcome = c.req.valid('json') as unknown as Parameters<Store['finishAlert']>[1];
      return c.json({ finished: await store.finishAlert(id, outcome) }, 200);
    },
  );
}
