/** Reading runs: pages with filters and sorts, totals, a run with its samples and metrics, bundles; deleting one. */
import { createRoute, z } from '@hono/zod-openapi';
import type { RunFilter } from '../../store/index.js';
import { narrowProject, requireProject, requireScope } from '../auth.js';
import { IdParam, MetricsQuery, RunDetailQuery, RunFilterQuery, RunListQuery, SamplesQuery } from '../query-schemas.js';
import { MetricSchema, RunBundleSchema, RunSchema, RunTotalsSchema, SampleSchema } from '../record-schemas.js';
import { checkRunAccess, jsonContent, notFound, pick, type App, type RouteContext } from './kit.js';

/** Samples a run page gets unless it asks otherwise: enough for a chart (greenml's choice). */
export const DEFAULT_MAX_POINTS = 1000;

const RunPageSchema = z
  .object({
    runs: z.array(RunSchema),
    nextCursor: z.string().nullable(),
    total: z.number().int().optional().openapi({ description: 'Runs matching the filter (with count=true)' }),
  })
  .openapi('RunPage');

const RunDetailSchema = z
  .object({ run: RunSchema, samples: z.array(SampleSchema).optional(), metrics: z.array(MetricSchema).optional() })
  .openapi('RunDetail');

const tag = ['runs'];

type FilterInput = z.infer<typeof RunFilterQuery>;
/** The store filter of a run query, narrowed to `project` (the principal's, or the one asked for). */
export const toFilter = (q: FilterInput, project: string | undefined): RunFilter => {
  const f: RunFilter = {};
  if (project !== undefined) f.project = project;
  if (q.status !== undefined) f.status = q.status;
  if (q.since !== undefined) f.since = q.since;
  if (q.until !== undefined) f.until = q.until;
  if (q.search !== undefined) f.search = q.search;
  return f;
};

export function registerRunRoutes(app: App, { store }: RouteContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/runs',
      tags: tag,
      summary: 'List runs (filter, sort, cursor pages)',
      request: { query: RunListQuery },
      responses: { 200: jsonContent(RunPageSchema, 'A page of runs'), ...pick(400, 401, 403, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'read');
      const q = c.req.valid('query');
      const filter = toFilter(q, narrowProject(p, q.project));
      const page = await store.listRuns({ ...filter, sort: q.sort, order: q.order, limit: q.limit, cursor: q.cursor ?? null });
      const total = q.count ? await store.countRuns(filter) : undefined;
      return c.json(total === undefined ? page : { ...page, total }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/totals',
      tags: tag,
      summary: 'Totals over the runs matching a filter (counts by status, energy, emissions, cost)',
      request: { query: RunFilterQuery },
      responses: { 200: jsonContent(RunTotalsSchema, 'Totals'), ...pick(400, 401, 403, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'read');
      const q = c.req.valid('query');
      return c.json(await store.runTotals(toFilter(q, narrowProject(p, q.project))), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/runs/{id}',
      tags: tag,
      summary: 'A run (id or unique prefix) with its samples (downsampled) and metrics',
      request: { params: IdParam, query: RunDetailQuery },
      responses: { 200: jsonContent(RunDetailSchema, 'The run'), ...pick(400, 401, 403, 404, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'read');
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      const run = await store.getRun(id);
      if (!run) throw notFound('run', id);
      requireProject(p, run.project);
      const [samples, metrics] = await Promise.all([
        q.samples === false ? undefined : store.listSamples(run.id, { maxPoints: q.maxPoints ?? DEFAULT_MAX_POINTS }),
        q.metrics === false ? undefined : store.listMetrics(run.id),
      ]);
      return c.json({ run, ...(samples ? { samples } : {}), ...(metrics ? { metrics } : {}) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/runs/{id}/samples',
      tags: tag,
      summary: "A run's samples, ordered by t (exact id)",
      request: { params: IdParam, query: SamplesQuery },
      responses: { 200: jsonContent(z.object({ samples: z.array(SampleSchema) }), 'Samples'), ...pick(400, 401, 403, 404, 503) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await checkRunAccess(store, c.get('principal'), id, 'read');
      const q = c.req.valid('query');
      return c.json({ samples: await store.listSamples(id, q) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/runs/{id}/metrics',
      tags: tag,
      summary: "A run's metric points, ordered by key, t, step (exact id)",
      request: { params: IdParam, query: MetricsQuery },
      responses: { 200: jsonContent(z.object({ metrics: z.array(MetricSchema) }), 'Metric points'), ...pick(400, 401, 403, 404, 503) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await checkRunAccess(store, c.get('principal'), id, 'read');
      const q = c.req.valid('query');
      return c.json({ metrics: await store.listMetrics(id, q.key === undefined ? {} : { key: q.key }) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/runs/{id}/bundle',
      tags: tag,
      summary: 'A run with all its samples and metrics, as moved between stores (id or prefix)',
      request: { params: IdParam },
      responses: { 200: jsonContent(RunBundleSchema, 'The bundle'), ...pick(400, 401, 403, 404, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'read');
      const { id } = c.req.valid('param');
      if (p.project !== null) {
        const run = await store.getRun(id);
        if (!run) throw notFound('run', id);
        requireProject(p, run.project);
      }
      return c.json(await store.exportRunBundle(id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/runs/{id}',
      tags: tag,
      summary: 'Delete a run with its samples and metrics (exact id)',
      request: { params: IdParam },
      responses: { 200: jsonContent(z.object({ deleted: z.literal(true) }), 'Deleted'), ...pick(401, 403, 404, 503) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await checkRunAccess(store, c.get('principal'), id, 'admin');
      if (!(await store.deleteRun(id))) throw notFound('run', id);
      return c.json({ deleted: true as const }, 200);
    },
  );
}
