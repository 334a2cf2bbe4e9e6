/**
 * Totals per calendar bucket (GET /totals/series): the dashboard's "over time" chart in one request
 * instead of one /totals request per bar. Buckets are core's UTC periods (the ones budgets count
 * in), each clipped to [since, until), so the buckets add up to GET /totals over the same filter.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { GreenmlError, periodBounds, type PeriodBounds, type RunTotals } from '../../core/index.js';
import type { RunFilter } from '../../store/index.js';
import { narrowProject, requireScope } from '../auth.js';
import { TOTALS_BUCKETS, TotalsSeriesQuery } from '../query-schemas.js';
import { RunTotalsSchema } from '../record-schemas.js';
import { jsonContent, pick, type App, type RouteContext } from './kit.js';
import { toFilter } from './runs.js';

export type TotalsBucket = (typeof TOTALS_BUCKETS)[number];

/** Buckets when `since` is not given: 30 days, 12 weeks or 12 months, the dashboard's spans (greenml's choice, 2025). */
export const DEFAULT_BUCKETS: Record<TotalsBucket, number> = { day: 30, week: 12, month: 12 };
/** Most buckets in one answer: a year and a month of days (each bucket is one totals query). */
export const MAX_BUCKETS = 400;
/** Totals queries in flight per request: enough for a PostgreSQL pool, harmless for SQLite. */
const IN_FLIGHT = 4;

export interface TotalsBucketRow {
  key: string;
  startMs: number;
  endMs: number;
  totals: RunTotals;
}

/** The periods from the one holding `sinceMs` to the one holding `untilMs - 1`, oldest first; null past `max`. */
export function periodsBetween(unit: TotalsBucket, sinceMs: number, untilMs: number, max: number): PeriodBounds[] | null {
  const out: PeriodBounds[] = [];
  for (let t = sinceMs; t < untilMs; ) {
    if (out.length === max) return null;
    const b = periodBounds(unit, t);
    out.push(b);
    t = b.endMs;
  }
  return out;
}

/** The first of the `count` periods that end with the one holding `untilMs - 1`. */
function defaultSince(unit: TotalsBucket, untilMs: number, count: number): number {
  let b = periodBounds(unit, untilMs - 1);
  for (let i = 1; i < count; i++) b = periodBounds(unit, b.startMs - 1);
  return b.startMs;
}

async function inTurn<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const BucketSchema = z.object({ key: z.string().openapi({ example: '2026-03-09' }), startMs: z.number().int(), endMs: z.number().int(), totals: RunTotalsSchema });
const SeriesSchema = z
  .object({
    bucket: z.enum(TOTALS_BUCKETS),
    since: z.number().int(),
    until: z.number().int(),
    buckets: z.array(BucketSchema).openapi({ description: 'Oldest first; the first and last are clipped to since and until' }),
  })
  .openapi('TotalsSeries');

export function registerTotalsRoutes(app: App, { store, clock }: RouteContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/totals/series',
      tags: ['runs'],
      summary: 'Totals per UTC day, week or month over the runs matching a filter (runs counted in the bucket they started in)',
      request: { query: TotalsSeriesQuery },
      responses: { 200: jsonContent(SeriesSchema, 'One totals per bucket'), ...pick(400, 401, 403, 503) },
    }),
    async (c) => {
      const p = c.get('principal');
      requireScope(p, 'read');
      const q = c.req.valid('query');
      const bucket = q.bucket ?? 'day';
      const until = q.until ?? clock();
      const since = q.since ?? defaultSince(bucket, until, DEFAULT_BUCKETS[bucket]);
      if (!(since < until)) {
        throw new GreenmlError('INVALID_INPUT', `since (${since}) must be before until (${until}).`, { details: { field: 'since' } });
      }
      const periods = periodsBetween(bucket, since, until, MAX_BUCKETS);
      if (!periods) {
        throw new GreenmlError('INVALID_INPUT', `That span holds more than ${MAX_BUCKETS} ${bucket}s: ask for a shorter span or a coarser bucket (week, month).`, {
          details: { field: 'bucket' },
        });
      }
      const filter: RunFilter = toFilter(q, narrowProject(p, q.project));
      const buckets = await inTurn(periods, IN_FLIGHT, async (b): Promise<TotalsBucketRow> => {
        const startMs = Math.max(b.startMs, since);
        const endMs = Math.min(b.endMs, until);
        return { key: b.key, startMs, endMs, totals: await store.runTotals({ ...filter, since: startMs, until: endMs }) };
      });
      return c.json({ bucket, since, until, buckets }, 200);
    },
  );
}
