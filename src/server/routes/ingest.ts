/**
 * Writing runs: create (with defaults), patch, append samples and metrics in batches, merge params,
 * finish, and import bundles. Every write is idempotent where the store makes it so (samples by t,
 * metrics by key/step/t, bundles by id), so a client may retry any of them.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { GreenmlError, type RunRecord } from '../../core/index.js';
import { requireProject, requireScope, type Principal } from '../auth.js';
import { newId } from '../ids.js';
import { IdParam } from '../query-schemas.js';
import { MetricSchema, ParamsSchema, RunBundleSchema, RunCreateSchema, RunFinishSchema, RunPatchSchema, RunSchema, SampleSchema } from '../record-schemas.js';
import { checkRunAccess, exactRun, jsonBody, jsonContent, pick, type App, type RouteContext } from './kit.js';

const tag = ['ingest'];
const Added = z.object({ added: z.number().int().openapi({ description: 'How many were new (retried items are skipped)' }) });

/** A new run from what the client gave, defaults for the rest (docs/api.md). */
export function runWithDefaults(given: Partial<RunRecord>, p: Principal, nowMs: number): RunRecord {
  const startedAt = given.startedAt ?? nowMs;
  return {
    id: given.id ?? newId(nowMs),
    project: given.project ?? p.project ?? 'default',
    name: given.name ?? null,
    command: given.command ?? [],
    cwd: given.cwd ?? null,
    host: given.host ?? 'unknown',
    pid: given.pid ?? null,
    status: given.status ?? 'running',
    exitCode: given.exitCode ?? null,
    signal: given.signal ?? null,
    statusReason: given.statusReason ?? null,
    startedAt,
    endedAt: given.endedAt ?? null,
    heartbeatAt: given.heartbeatAt ?? startedAt,
    location: given.location ?? null,
    instance: given.instance ?? null,
    durationS: given.durationS ?? 0,
    cpuKwh: given.cpuKwh ?? 0,
    gpuKwh: given.gpuKwh ?? 0,
    memoryKwh: given.memoryKwh ?? 0,
    energyKwh: given.energyKwh ?? 0,
    operationalG: given.operationalG ?? 0,
    embodiedG: given.embodiedG ?? 0,
    totalG: given.totalG ?? 0,
    costUsd: given.costUsd ?? null,
    intensityGPerKwh: given.intensityGPerKwh ?? null,
    footprint: given.footprint ?? null,
    tags: given.tags ?? {},
    params: given.params ?? {},
    jobId: given.jobId ?? null,
  };
}

function tooMany(what: string, n: number, max: number): GreenmlError {
  return new GreenmlError('PAYLOAD_TOO_LARGE', `${n} ${what} in one batch; this server takes at most ${max}. Send them in smaller batches. Nothing was stored.`, {
    details: { count: n, max },
  });
}

export function registerIngestRoutes(app: App, { store, clock, limits }: RouteContext): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/runs',
      tags: tag,
      summary: 'Create a run (missing fields get defaults)',
      request: { body: jsonBody(RunCreateSchema) },
      responses: { 201: jsonContent(RunSchema, 'The stored run'), ...pick(400, 401, 403, 409, 413, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'ingest');
      const run = runWithDefaults(c.req.valid('json'), p, clock());
      requireProject(p, run.project);
      await store.createRun(run);
      return c.json(run, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/runs/{id}',
      tags: tag,
      summary: 'Replace the given fields of a run (heartbeats, final figures)',
      request: { params: IdParam, body: jsonBody(RunPatchSchema) },
      responses: { 200: jsonContent(RunSchema, 'The updated run'), ...pick(400, 401, 403, 404, 413, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      const { id } = c.req.valid('param');
      const patch = c.req.valid('json');
      await checkRunAccess(store, p, id, 'ingest');
      if (patch.project !== undefined) requireProject(p, patch.project);
      return c.json(await store.updateRun(id, patch), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/runs/{id}/samples',
      tags: tag,
      summary: 'Append a batch of samples (all or nothing; a stored t is skipped)',
      request: { params: IdParam, body: jsonBody(z.object({ samples: z.array(SampleSchema) })) },
      responses: { 200: jsonContent(Added, 'How many samples were new'), ...pick(400, 401, 403, 404, 413, 503) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { samples } = c.req.valid('json');
      if (samples.length > limits.samplesPerBatch) throw tooMany('samples', samples.length, limits.samplesPerBatch);
      await checkRunAccess(store, c.get('principal'), id, 'ingest');
      return c.json({ added: await store.appendSamples(id, samples) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/runs/{id}/metrics',
      tags: tag,
      summary: 'Append metric points (a stored key/step/t is skipped)',
      request: { params: IdParam, body: jsonBody(z.object({ metrics: z.array(MetricSchema) })) },
      responses: { 200: jsonContent(Added, 'How many points were new'), ...pick(400, 401, 403, 404, 413, 503) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { metrics } = c.req.valid('json');
      if (metrics.length > limits.metricsPerBatch) throw tooMany('metric points', metrics.length, limits.metricsPerBatch);
      await checkRunAccess(store, c.get('principal'), id, 'ingest');
      return c.json({ added: await store.appendMetrics(id, metrics) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/runs/{id}/params',
      tags: tag,
      summary: "Merge into a run's params",
      request: { params: IdParam, body: jsonBody(z.object({ params: ParamsSchema })) },
      responses: { 200: jsonContent(z.object({ params: ParamsSchema }), 'The merged params'), ...pick(400, 401, 403, 404, 413, 503) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await checkRunAccess(store, c.get('principal'), id, 'ingest');
      return c.json({ params: await store.setParams(id, c.req.valid('json').params) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/runs/{id}/finish',
      tags: tag,
      summary: 'Finish a run: final status, exit code, end time (default now) and final figures',
      request: { params: IdParam, body: jsonBody(RunFinishSchema) },
      responses: { 200: jsonContent(RunSchema, 'The finished run'), ...pick(400, 401, 403, 404, 413, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      await checkRunAccess(store, p, id, 'ingest');
      if (body.project !== undefined) requireProject(p, body.project);
      const endedAt = body.endedAt ?? clock();
      return c.json(await store.updateRun(id, { ...body, endedAt, heartbeatAt: body.heartbeatAt ?? endedAt }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/bundles',
      tags: tag,
      summary: 'Import a run bundle (upsert the run, its samples and metrics; idempotent)',
      request: { body: jsonBody(RunBundleSchema) },
      responses: { 200: jsonContent(z.object({ runId: z.string() }), 'Imported'), ...pick(400, 401, 403, 413, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'ingest');
      const bundle = c.req.valid('json');
      requireProject(p, bundle.run.project);
      if (p.project !== null) {
        // A project token may not overwrite a run of another project that has the same id.
        const existing = await exactRun(store, bundle.run.id);
        if (existing) requireProject(p, existing.project);
      }
      await store.importRunBundle(bundle);
      return c.json({ runId: bundle.run.id }, 200);
    },
  );
}

