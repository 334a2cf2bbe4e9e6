/**
 * Grid intensity: a zone's reported values or forecast from the configured sources, the best
 * window for a job over the forecast (core's exact window search), and the Store's intensity cache.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { GreenmlError, bestWindow, type IntensitySeries } from '../../core/index.js';
import type { IntensitySource } from '../../intensity/index.js';
import { requireScope } from '../auth.js';
import { CacheQuery, IntensityQuery, WindowQuery, ZoneParam } from '../query-schemas.js';
import { IntensitySeriesSchema } from '../record-schemas.js';
import { jsonBody, jsonContent, pick, type App, type RouteContext } from './kit.js';

const DAY_MS = 86_400_000;
const tag = ['intensity'];

const SourceSchema = z
  .looseObject({ id: z.string(), name: z.string(), signal: z.enum(['average', 'marginal']), forecasts: z.boolean(), refreshS: z.number() })
  .openapi('IntensitySourceDescription');

const SchedulePlanSchema = z
  .looseObject({
    strategy: z.enum(['contiguous', 'interruptible']),
    startMs: z.number().int(),
    endMs: z.number().int(),
    durationS: z.number(),
    meanIntensityGPerKwh: z.number(),
    energyKwh: z.number(),
    co2eG: z.number(),
    savedCo2eG: z.number(),
    savingRatio: z.number(),
  })
  .openapi('SchedulePlan', { description: 'SchedulePlan of src/core/schedule/types.ts (chunks, baseline, searchedUntilMs...)' });

/** A source's forecast, or a clear error when it has none (the CLI wraps sources with a baseline forecast). */
export async function forecastOf(source: IntensitySource, zone: string, fromMs: number, toMs: number): Promise<IntensitySeries> {
  const series = await source.forecast(zone, fromMs, toMs);
  if (!series || series.points.length === 0) {
    throw new GreenmlError('UPSTREAM_FAILED', `${source.describe().name} has no forecast for ${zone} from ${new Date(fromMs).toISOString()}. Use a source with forecasts, or give the server history to build a baseline forecast from.`);
  }
  return series;
}

export function registerIntensityRoutes(app: App, { store, clock, deps }: RouteContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/intensity/{zone}',
      tags: tag,
      summary: "A zone's reported intensity or forecast",
      request: { params: ZoneParam, query: IntensityQuery },
      responses: {
        200: jsonContent(z.object({ series: IntensitySeriesSchema, source: SourceSchema }), 'The series and where it came from'),
        ...pick(400, 401, 403, 404, 502),
      },
    }),
    async (c) => {
      requireScope(c.get('principal'), 'read');
      const { zone } = c.req.valid('param');
      const q = c.req.valid('query');
      const forecast = q.kind === 'forecast';
      const now = clock();
      const fromMs = q.fromMs ?? (q.toMs !== undefined ? q.toMs - DAY_MS : forecast ? now : now - DAY_MS);
      const toMs = q.toMs ?? fromMs + DAY_MS;
      if (!(toMs > fromMs)) throw new GreenmlError('INVALID_INPUT', `toMs (${toMs}) must be after fromMs (${fromMs}).`, { details: { field: 'toMs' } });
      const source = deps.intensity(zone);
      const series = forecast ? await forecastOf(source, zone, fromMs, toMs) : await source.history(zone, fromMs, toMs);
      return c.json({ series, source: source.describe() }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/intensity/{zone}/window',
      tags: tag,
      summary: 'The lowest-carbon contiguous window for a job before its deadline, over the forecast',
      request: { params: ZoneParam, query: WindowQuery },
      responses: { 200: jsonContent(SchedulePlanSchema, 'The plan'), ...pick(400, 401, 403, 404, 422, 502) },
    }),
    async (c) => {
      requireScope(c.get('principal'), 'read');
      const { zone } = c.req.valid('param');
      const q = c.req.valid('query');
      const earliestStartMs = q.earliestStartMs ?? clock();
      if (!(q.deadlineMs > earliestStartMs)) {
        throw new GreenmlError('INVALID_INPUT', `deadlineMs (${q.deadlineMs}) must be after earliestStartMs (${earliestStartMs}).`, { details: { field: 'deadlineMs' } });
      }
      const series = await forecastOf(deps.intensity(zone), zone, earliestStartMs, q.deadlineMs);
      const plan = bestWindow(series.points, { durationS: q.durationS, earliestStartMs, deadlineMs: q.deadlineMs, ...(q.energyKwh ? { energyKwh: q.energyKwh } : {}) });
      return c.json({ ...plan, zone, forecastSource: series.source }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/intensity-cache',
      tags: tag,
      summary: 'Upsert the points of a series into the intensity cache',
      request: { body: jsonBody(IntensitySeriesSchema) },
      responses: { 204: { description: 'Stored' }, ...pick(400, 401, 403, 413, 503) },
    }),
    async (c) => {
      requireScope(c.get('principal'), 'ingest');
      await store.putIntensity(c.req.valid('json'));
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/intensity-cache/{zone}',
      tags: tag,
      summary: 'Cached points overlapping an interval',
      request: { params: ZoneParam, query: CacheQuery },
      responses: { 200: jsonContent(IntensitySeriesSchema, 'The cached series'), ...pick(400, 401, 403, 404, 503) },
    }),
    async (c) => {
      requireScope(c.get('principal'), 'read');
      const { zone } = c.req.valid('param');
      const q = c.req.valid('query');
      const series = await store.getIntensity(zone, q);
      if (!series) throw new GreenmlError('NOT_FOUND', `No cached intensity for ${zone} in that interval.`, { details: { zone } });
      return c.json(series, 200);
    },
  );
}
