/**
 * zod schemas of query strings and path parameters. Query values arrive as strings (a repeated
 * parameter as an array); these turn them into typed values and refuse anything else with the
 * parameter's name, so `?limit=abc` is a 400 naming `limit`, never a silent default.
 */
import { z } from '@hono/zod-openapi';
import { JOB_STATES, RUN_STATUSES } from '../core/index.js';
import type { AlertDeliveryState, RunSort } from '../store/index.js';

/** The store's sort keys and page bound (RUN_SORTS and MAX_PAGE of src/store/store.ts, values the server may not import). */
export const RUN_SORT_KEYS = ['startedAt', 'energyKwh', 'totalG', 'costUsd', 'durationS'] as const satisfies readonly RunSort[];
const _allSorts: RunSort extends (typeof RUN_SORT_KEYS)[number] ? true : never = true;
export const MAX_PAGE = 1000;
/** Most samples a downsampled read returns (MAX_POINTS of src/store/samples.ts). */
export const MAX_POINTS = 10_000;

export const intQuery = (description: string) =>
  z
    .string()
    .regex(/^-?\d{1,16}$/, 'expected an integer')
    .transform(Number)
    .openapi({ type: 'integer', description });

const numberQuery = (description: string) =>
  z
    .string()
    .regex(/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, 'expected a number')
    .transform(Number)
    .openapi({ type: 'number', description });

const boolQuery = (description: string) =>
  z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .openapi({ type: 'boolean', description });

const ranged = (description: string, min: number, max: number) => intQuery(description).pipe(z.number().int().min(min).max(max));

/** A parameter that may be repeated or comma-separated: `?status=failed&status=lost` or `?status=failed,lost`. */
export const listQuery = <T extends readonly [string, ...string[]]>(values: T, description: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== ''))
    .pipe(z.array(z.enum(values)).min(1))
    .openapi({ type: 'array', items: { type: 'string', enum: [...values] }, description, style: 'form', explode: true } as never);

export const RunFilterQuery = z.object({
  project: z.string().min(1).max(200).optional().openapi({ description: 'One project' }),
  status: listQuery(RUN_STATUSES, 'Run statuses (repeat or comma-separate)').optional(),
  since: intQuery('Runs started at or after this time, epoch ms').optional(),
  until: intQuery('Runs started before this time, epoch ms').optional(),
  search: z.string().max(500).optional().openapi({ description: 'Whitespace-separated terms matched in name, command and tags' }),
});

/** Calendar buckets of GET /totals/series (core's CalendarPeriod units, UTC). */
export const TOTALS_BUCKETS = ['day', 'week', 'month'] as const;

export const TotalsSeriesQuery = RunFilterQuery.extend({
  bucket: z.enum(TOTALS_BUCKETS).optional().openapi({ description: 'UTC day, ISO week (from Monday) or calendar month (default day)' }),
});

export const RunListQuery = RunFilterQuery.extend({
  sort: z.enum(RUN_SORT_KEYS).optional().openapi({ description: 'Default startedAt' }),
  order: z.enum(['asc', 'desc']).optional().openapi({ description: 'Default desc' }),
  limit: ranged(`Page size, 1 to ${MAX_PAGE} (default 50)`, 1, MAX_PAGE).optional(),
  cursor: z.string().max(2000).optional().openapi({ description: 'nextCursor of the previous page' }),
  count: boolQuery('Add `total`, the number of runs matching the filter').optional(),
});

export const RunDetailQuery = z.object({
  samples: boolQuery('Include samples (default true)').optional(),
  metrics: boolQuery('Include metrics (default true)').optional(),
  maxPoints: ranged(`At most this many samples, evenly spread (default 1000, at most ${MAX_POINTS})`, 1, MAX_POINTS).optional(),
});

export const SamplesQuery = z.object({
  fromT: intQuery('Samples with t >= fromT').optional(),
  limit: ranged('The first n samples', 1, 10_000_000).optional(),
  maxPoints: ranged('At most this many samples, evenly spread', 1, MAX_POINTS).optional(),
});

export const MetricsQuery = z.object({ key: z.string().min(1).optional().openapi({ description: 'One metric key' }) });

export const JobListQuery = z.object({
  state: listQuery(JOB_STATES, 'Job states (repeat or comma-separate)').optional(),
  project: z.string().min(1).max(200).optional(),
  limit: ranged(`Page size, 1 to ${MAX_PAGE} (default 100)`, 1, MAX_PAGE).optional(),
  cursor: z.string().max(2000).optional(),
});

export const IntensityQuery = z.object({
  fromMs: intQuery('Start, epoch ms (default: 24 hours before toMs)').optional(),
  toMs: intQuery('End, epoch ms (default: now, or 24 hours after fromMs)').optional(),
  kind: z.enum(['actual', 'forecast']).optional().openapi({ description: 'Reported values (default) or a forecast' }),
});

export const WindowQuery = z.object({
  durationS: numberQuery('How long the job runs, seconds').pipe(z.number().positive()),
  deadlineMs: intQuery('The job must have finished by this, epoch ms'),
  earliestStartMs: intQuery('The job may not start before this (default now), epoch ms').optional(),
  energyKwh: numberQuery('Energy of the job, kWh (default 1: figures per kWh)').pipe(z.number().positive()).optional(),
});

export const CacheQuery = z.object({
  fromMs: intQuery('Start, epoch ms'),
  toMs: intQuery('End, epoch ms'),
  kind: z.enum(['actual', 'forecast', 'static']).optional(),
  source: z.string().min(1).optional(),
});

export const RegionsQuery = z.object({
  provider: z.string().optional(),
  country: z.string().optional(),
  maxIntensity: numberQuery('Regions at or below this intensity, gCO2e/kWh').optional(),
});
export const AcceleratorsQuery = z.object({
  kind: z.enum(['gpu', 'tpu', 'asic']).optional(),
  vendor: z.string().optional(),
  minMemoryGb: numberQuery('At least this much memory per board, GB').optional(),
});
export const InstancesQuery = z.object({
  provider: z.string().optional(),
  accelerator: z.string().optional(),
  minGpuMemoryGb: numberQuery('Accelerator memory of the instance, GB').optional(),
  family: z.string().optional(),
});
export const PricesQuery = z.object({
  provider: z.string().optional(),
  instance: z.string().optional(),
  region: z.string().optional(),
  pricing: z.string().optional(),
});

const isoTime = (description: string) =>
  z
    .string()
    .refine((s) => parseIsoMs(s) !== null, 'expected an ISO 8601 date-time, e.g. 2023-06-01T12:00:00Z')
    .transform((s) => parseIsoMs(s) as number)
    .openapi({ type: 'string', format: 'date-time', description });

/**
 * ISO 8601 date-time to epoch ms; a time without an offset is taken as UTC. A "+" that an
 * unencoded query string turned into a space ("...T12:00:00 02:00") is read as "+".
 */
export function parseIsoMs(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+ -]\d{2}:?\d{2})?$/i.exec(s.trim());
  if (!m) return null;
  const offset = (m[8] ?? 'Z').replace(/^ /, '+');
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ?? ''}${offset.toUpperCase() === 'Z' ? 'Z' : offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset}`;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

const locations = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter((s) => s !== ''))
  .pipe(z.array(z.string().max(200)).min(1, 'give at least one location').max(50))
  .openapi({ type: 'array', items: { type: 'string' }, description: 'A greenml zone; repeat for several', style: 'form', explode: true } as never);

export const EmissionsQuery = z.object({
  location: locations,
  time: isoTime('Start of the period (default now)').optional(),
  toTime: isoTime('End of the period').optional(),
});

export const ForecastQuery = z.object({
  location: locations,
  dataStartAt: isoTime('First instant windows may start (default: the first forecast point)').optional(),
  dataEndAt: isoTime('Last instant windows may end (default: the end of the forecast)').optional(),
  windowSize: intQuery('Window length, minutes (0 or absent: single points)').pipe(z.number().int().min(0).max(7 * 24 * 60)).optional(),
});

export const IdParam = z.object({ id: z.string().min(1).max(200).openapi({ param: { name: 'id', in: 'path' }, example: '01JGZ3X7B8Q9R0S1T2V3W4X5Y6' }) });
export const NameParam = z.object({ name: z.string().min(1).max(200).openapi({ param: { name: 'name', in: 'path' } }) });
export const ZoneParam = z.object({ zone: z.string().min(1).max(200).openapi({ param: { name: 'zone', in: 'path' }, example: 'DE' }) });
export const HashParam = z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 digest in lower-case hex').openapi({ param: { name: 'hash', in: 'path' } }) });

/** ALERT_DELIVERY_STATES of src/store/store.ts (a value the server may not import). */
export const ALERT_DELIVERY_STATES_LIST = ['none', 'pending', 'sending', 'delivered', 'failed'] as const satisfies readonly AlertDeliveryState[];
export type AlertDeliveryStateName = (typeof ALERT_DELIVERY_STATES_LIST)[number];
const _allDeliveryStates: AlertDeliveryState extends AlertDeliveryStateName ? true : never = true;
