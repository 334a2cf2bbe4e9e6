/**
 * createServer(deps): the Hono app with every route of docs/api.md, OpenAPI generated from the
 * same zod schemas that validate requests, token auth, body limits, Prometheus metrics and the
 * dashboard. It never listens itself (listen.ts does), so tests call `app.request(...)`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { planWorkload } from '../app/index.js';
import { GreenmlError } from '../core/index.js';
import { authenticate } from './auth.js';
import { DEFAULT_LIMITS, type PlanFn, type ServerDeps } from './deps.js';
import { errorResponse, statusFor, toGreenmlError } from './errors.js';
import { collectMetrics, renderExposition } from './metrics.js';
import { registerBudgetRoutes } from './routes/budgets.js';
import { registerCasdkRoutes } from './routes/casdk.js';
import { registerCatalogRoutes } from './routes/catalog.js';
import { registerIngestRoutes } from './routes/ingest.js';
import { registerIntensityRoutes } from './routes/intensity.js';
import { registerJobRoutes } from './routes/jobs.js';
import { newApp, jsonContent, pick, type App, type RouteContext } from './routes/kit.js';
import { registerPlanRoutes } from './routes/plan.js';
import { registerProjectRoutes } from './routes/projects.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerTokenRoutes } from './routes/tokens.js';
import { registerTotalsRoutes } from './routes/totals.js';
import { mountDashboard } from './static.js';

export const OPENAPI_PATH = '/api/openapi.json';

const defaultPlan: PlanFn = (request, { runs }) => planWorkload(request, { runs });

const HealthSchema = z
  .object({
    ok: z.literal(true),
    version: z.string(),
    store: z.enum(['sqlite', 'postgres', 'http']),
    auth: z.object({ required: z.boolean() }),
    limits: z.object({ bodyBytes: z.number().int(), samplesPerBatch: z.number().int(), metricsPerBatch: z.number().int() }),
    features: z.object({ plan: z.boolean(), schedule: z.boolean(), dashboard: z.boolean() }),
  })
  .openapi('Health');

export function createServer(deps: ServerDeps): App {
  const clock = deps.clock ?? Date.now;
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const required = deps.auth?.required ?? false;
  const ctx: RouteContext = { store: deps.store, clock, limits, deps };
  const app = newApp();
  let dashboard = false;

  app.onError((e, c) => {
    const g = toGreenmlError(e);
    if (statusFor(g.code) >= 500) deps.log?.(`${c.req.method} ${c.req.path}: ${g.code}: ${g.message}`);
    return errorResponse(c, g);
  });
  app.notFound((c) =>
    errorResponse(c, new GreenmlError('NOT_FOUND', `No route ${c.req.method} ${c.req.path}. The API is described at ${OPENAPI_PATH} and in docs/api.md.`)),
  );

  // Public: before the auth middleware, which Hono runs only for handlers registered after it.
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/health',
      tags: ['service'],
      summary: 'Liveness, version, store engine, whether tokens are required, and the request limits (public)',
      security: [],
      responses: { 200: jsonContent(HealthSchema, 'The server is up') },
    }),
    (c) =>
      c.json(
        {
          ok: true as const,
          version: deps.version,
          store: deps.store.kind,
          auth: { required },
          limits,
          features: { plan: true, schedule: deps.schedule !== undefined, dashboard },
        },
        200,
      ),
  );
  let doc: unknown = null;
  app.get(OPENAPI_PATH, (c) => {
    doc ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'greenml', version: deps.version, description: 'Energy, carbon and cost of ML work: runs, ingest, plan, schedule, intensity, catalog. See docs/api.md.' },
      security: [{ bearer: [] }],
    });
    return c.json(doc);
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'gml_ API token (greenml tokens create)' });

  const auth = authenticate({ store: deps.store, clock, required });
  const limit = bodyLimit({
    maxSize: limits.bodyBytes,
    onError: () => {
      throw new GreenmlError('PAYLOAD_TOO_LARGE', `The request body is over ${limits.bodyBytes} bytes, this server's limit. Send smaller batches. Nothing was stored.`, {
        details: { maxBytes: limits.bodyBytes },
      });
    },
  });
  for (const path of ['/api/v1/*', '/emissions/*', '/metrics']) app.use(path, auth, limit);

  registerRunRoutes(app, ctx);
  registerTotalsRoutes(app, ctx);
  registerIngestRoutes(app, ctx);
  registerProjectRoutes(app, ctx);
  registerJobRoutes(app, ctx);
  registerTokenRoutes(app, ctx);
  registerIntensityRoutes(app, ctx);
  registerBudgetRoutes(app, ctx);
  registerCatalogRoutes(app);
  registerPlanRoutes(app, ctx, deps.plan ?? defaultPlan);
  registerCasdkRoutes(app, ctx);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags: ['service'],
      summary: 'Prometheus metrics: energy (J), emissions (g), cost (USD), runs by status, job queue',
      responses: { 200: { content: { 'text/plain': { schema: z.string() } }, description: 'Text exposition format 0.0.4' }, ...pick(401, 403, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      const families = await collectMetrics(deps.store, { version: deps.version, project: p.project });
      return c.text(renderExposition(families), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    },
  );

  dashboard = mountDashboard(app, deps.webRoot);
  return app;
}
