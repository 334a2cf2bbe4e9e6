/**
 * Carbon Aware SDK WebAPI-compatible endpoints (GSF carbon-aware-sdk 1.x), for clients written
 * against it: /emissions/bylocations[/best] and /emissions/forecasts/current, with the SDK's exact
 * parameter names and JSON shapes (shared/research/scheduling.md §1.1, §1.5).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { requireScope } from '../auth.js';
import { bestEmissions, forecastDto, toEmissionsData, type EmissionsData } from '../casdk.js';
import { EmissionsQuery, ForecastQuery } from '../query-schemas.js';
import { forecastOf } from './intensity.js';
import { jsonContent, pick, type App, type RouteContext } from './kit.js';

/** How far ahead a "current" forecast reaches when dataEndAt is not given: the 24 h most providers publish. */
const FORECAST_HORIZON_MS = 24 * 3_600_000;
const tag = ['carbon-aware-sdk'];

const EmissionsDataSchema = z
  .object({ location: z.string(), time: z.string(), rating: z.number(), duration: z.string().openapi({ example: '01:00:00' }) })
  .openapi('EmissionsData');
const DtoSchema = z
  .object({ location: z.string(), timestamp: z.string(), duration: z.number().int().openapi({ description: 'Minutes' }), value: z.number() })
  .openapi('EmissionsDataDTO');
const ForecastSchema = z
  .object({
    generatedAt: z.string(),
    requestedAt: z.string(),
    location: z.string(),
    dataStartAt: z.string(),
    dataEndAt: z.string(),
    windowSize: z.number().int(),
    optimalDataPoints: z.array(DtoSchema),
    forecastData: z.array(DtoSchema),
  })
  .openapi('EmissionsForecastDTO');

export function registerCasdkRoutes(app: App, { clock, deps }: RouteContext): void {
  const emissions = async (q: z.infer<typeof EmissionsQuery>): Promise<EmissionsData[]> => {
    const now = clock();
    const out: EmissionsData[] = [];
    for (const location of q.location) {
      const source = deps.intensity(location);
      const from = q.time ?? now;
      const series = q.toTime !== undefined && q.toTime > from ? await source.history(location, from, q.toTime) : await source.current(location, from);
      out.push(...toEmissionsData(location, series.points));
    }
    return out;
  };

  for (const best of [false, true]) {
    app.openapi(
      createRoute({
        method: 'get',
        path: best ? '/emissions/bylocations/best' : '/emissions/bylocations',
        tags: tag,
        summary: best ? 'The lowest-rated points across the locations and the period (ties kept)' : 'Intensity points of the locations over the period',
        request: { query: EmissionsQuery },
        responses: { 200: jsonContent(z.array(EmissionsDataSchema), 'Points'), 204: { description: 'No data' }, ...pick(400, 401, 403, 404, 502) },
      }),
      async (c) => {
        requireScope(c.get('principal'), 'read');
        const all = await emissions(c.req.valid('query'));
        const data = best ? bestEmissions(all) : all;
        if (data.length === 0) return c.body(null, 204);
        return c.json(data, 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/emissions/forecasts/current',
      tags: tag,
      summary: 'The current forecast per location, rolling-averaged over windowSize minutes, with the optimal windows',
      request: { query: ForecastQuery },
      responses: { 200: jsonContent(z.array(ForecastSchema), 'One forecast per location'), ...pick(400, 401, 403, 404, 502) },
    }),
    async (c) => {
      requireScope(c.get('principal'), 'read');
      const q = c.req.valid('query');
      const now = clock();
      const fromMs = q.dataStartAt ?? now;
      const toMs = q.dataEndAt ?? fromMs + FORECAST_HORIZON_MS;
      const out = [];
      for (const location of q.location) {
        const series = await forecastOf(deps.intensity(location), location, Math.min(fromMs, toMs - 1), toMs);
        out.push(
          forecastDto({
            location,
            points: series.points,
            ...(q.dataStartAt !== undefined ? { dataStartAtMs: q.dataStartAt } : {}),
            ...(q.dataEndAt !== undefined ? { dataEndAtMs: q.dataEndAt } : {}),
            ...(q.windowSize !== undefined ? { windowSizeMin: q.windowSize } : {}),
            generatedAtMs: now,
            requestedAtMs: now,
          }),
        );
      }
      return c.json(out, 200);
    },
  );
}
