/**
 * zod schemas of greenml's records at the HTTP boundary, one per core record
 * (src/core/records.ts). They check shapes and types and name the bad field; the store checks the
 * rest (NUL characters, JSON depth) before anything is written. The same schemas generate the
 * OpenAPI document, so the document cannot drift from what is validated.
 */
import { z } from '@hono/zod-openapi';
import {
  JOB_STATES,
  RUN_STATUSES,
  TOKEN_SCOPES,
  type ApiTokenRecord,
  type Footprint,
  type IntensitySeries,
  type JobPlan,
  type JobRecord,
  type MetricPoint,
  type ProjectSummary,
  type RunRecord,
  type Sample,
} from '../core/index.js';
import type { RunBundle, RunTotals } from '../store/index.js';

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON document the store keeps whole: an object here, checked in depth by the store. */
export const document = <T>(name: string, description: string) =>
  z.custom<T>(isObject, { message: 'expected an object' }).openapi(name, { type: 'object', description, additionalProperties: true });

export const epochMs = (description = 'UTC epoch milliseconds') => z.number().int().openapi({ description, example: 1_767_225_600_000 });
const id = z.string().min(1).max(200);
const text = z.string();
const stringMap = z.record(z.string(), z.string());

export const RunLocationSchema = z
  .strictObject({ region: z.string().optional(), country: z.string().optional(), label: z.string() })
  .openapi('RunLocation', { description: 'Where a run ran: "provider:region", ISO country, and the label a summary prints.' });

export const FootprintSchema = document<Footprint>(
  'Footprint',
  'The audit trail of a run: component energies with methods, PUE, intensity, embodied shares, cost, notes (Footprint in src/core/records.ts).',
);

export const RunSchema = z
  .strictObject({
    id,
    project: id,
    name: text.nullable(),
    command: z.array(text),
    cwd: text.nullable(),
    host: text,
    pid: z.number().int().nullable(),
    status: z.enum(RUN_STATUSES),
    exitCode: z.number().int().nullable(),
    signal: text.nullable(),
    statusReason: text.nullable(),
    startedAt: epochMs(),
    endedAt: epochMs().nullable(),
    heartbeatAt: epochMs(),
    location: RunLocationSchema.nullable(),
    instance: text.nullable(),
    durationS: z.number(),
    cpuKwh: z.number(),
    gpuKwh: z.number(),
    memoryKwh: z.number(),
    energyKwh: z.number().openapi({ description: 'Facility energy (IT x PUE), kWh' }),
    operationalG: z.number(),
    embodiedG: z.number(),
    totalG: z.number(),
    costUsd: z.number().nullable(),
    intensityGPerKwh: z.number().nullable(),
    footprint: FootprintSchema.nullable(),
    tags: stringMap,
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    jobId: text.nullable(),
  })
  .openapi('RunRecord');

/** POST /runs: every field optional, the server fills defaults (docs/api.md). */
export const RunCreateSchema = RunSchema.partial().openapi('RunCreate');
/** PATCH /runs/{id}: the fields to replace; `id`, when given, must be the run's own. */
export const RunPatchSchema = RunSchema.partial().openapi('RunPatch');

export const FINAL_STATUSES = RUN_STATUSES.filter((s) => s !== 'running') as unknown as readonly ['succeeded', 'failed', 'lost', 'stopped-by-guard'];
export const RunFinishSchema = RunSchema.omit({ id: true })
  .partial()
  .extend({ status: z.enum(FINAL_STATUSES) })
  .openapi('RunFinish');

export const SampleSchema = z
  .strictObject({
    t: epochMs('End of the sampling interval, epoch ms'),
    dtS: z.number().min(0),
    cpuW: z.number().nullable(),
    gpuW: z.number().nullable(),
    memoryW: z.number().nullable(),
    cpuJ: z.number().openapi({ description: 'Cumulative CPU energy since the run started, joules (before PUE)' }),
    gpuJ: z.number(),
    memoryJ: z.number(),
    cpuCores: z.number().nullable(),
    memoryBytes: z.number().nullable(),
    gpuUtilPct: z.number().nullable(),
    detail: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('Sample');

export const MetricSchema = z
  .strictObject({ key: z.string().min(1), value: z.number(), step: z.number().int().nullable(), t: epochMs() })
  .openapi('MetricPoint');

export const ParamsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).openapi('RunParams');

export const RunBundleSchema = z
  .strictObject({
    format: z.literal('greenml.run-bundle'),
    version: z.literal(1),
    run: RunSchema,
    samples: z.array(SampleSchema),
    metrics: z.array(MetricSchema),
  })
  .openapi('RunBundle');

export const JobSpecSchema = z
  .looseObject({
    durationS: z.number().min(0),
    earliestStartMs: epochMs(),
    deadlineMs: epochMs(),
    regions: z.array(text),
    interruptible: z.boolean(),
    minChunkS: z.number().min(0),
    maxPauses: z.number().int().min(0),
    resumeCommand: z.array(text).optional(),
    onLost: z.enum(['fail', 'retry']).optional(),
  })
  .openapi('JobSpec');

export const JobPlanSchema = document<JobPlan>('JobPlan', "The scheduler's choice: region, windows, expected and immediate emissions (JobPlan in src/core/records.ts).");

export const JobSchema = z
  .strictObject({
    id,
    project: id,
    name: text.nullable(),
    command: z.array(text),
    cwd: text.nullable(),
    env: stringMap,
    spec: JobSpecSchema,
    plan: JobPlanSchema.nullable(),
    labels: stringMap,
    state: z.enum(JOB_STATES),
    dueAtMs: epochMs(),
    runId: text.nullable(),
    agentId: text.nullable(),
    leaseUntilMs: epochMs().nullable(),
    attempts: z.number().int().min(0),
    error: text.nullable(),
    createdAt: epochMs(),
    updatedAt: epochMs(),
    startedAt: epochMs().nullable(),
    endedAt: epochMs().nullable(),
  })
  .openapi('JobRecord');

export const JobPatchSchema = JobSchema.omit({ id: true }).partial().openapi('JobPatch');

export const TokenSchema = z
  .strictObject({
    id,
    name: z.string().min(1).max(200),
    project: id.nullable(),
    scope: z.enum(TOKEN_SCOPES),
    hash: z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 digest in lower-case hex'),
    createdAt: epochMs(),
    lastUsedAt: epochMs().nullable(),
    revokedAt: epochMs().nullable(),
  })
  .openapi('ApiTokenRecord');

export const IntensityPointSchema = z
  .strictObject({ t: epochMs('Start of the interval'), durationS: z.number().positive(), intensityGPerKwh: z.number().min(0) })
  .openapi('IntensityPoint');

export const IntensitySeriesSchema = z
  .strictObject({
    zone: z.string().min(1),
    signal: z.enum(['average', 'marginal']),
    kind: z.enum(['actual', 'forecast', 'static']),
    source: z.string().min(1),
    points: z.array(IntensityPointSchema),
  })
  .openapi('IntensitySeries');

export const ProjectSummarySchema = z
  .strictObject({
    name: z.string(),
    runs: z.number().int(),
    energyKwh: z.number(),
    totalG: z.number(),
    costUsd: z.number().nullable(),
    lastRunAt: epochMs().nullable(),
  })
  .openapi('ProjectSummary');

export const RunTotalsSchema = z
  .strictObject({
    runs: z.number().int(),
    byStatus: z.strictObject(Object.fromEntries(RUN_STATUSES.map((s) => [s, z.number().int()])) as Record<RunRecord['status'], z.ZodNumber>),
    durationS: z.number(),
    cpuKwh: z.number(),
    gpuKwh: z.number(),
    memoryKwh: z.number(),
    energyKwh: z.number(),
    operationalG: z.number(),
    embodiedG: z.number(),
    totalG: z.number(),
    costUsd: z.number().nullable(),
  })
  .openapi('RunTotals');

export const ErrorSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.string().openapi({ example: 'INVALID_INPUT' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');

// Compile-time checks that the schemas and the core records stay the same shape, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(): T => true as T;
same<Same<z.infer<typeof RunSchema>, RunRecord>>();
same<Same<z.infer<typeof SampleSchema>, Sample>>();
same<Same<z.infer<typeof MetricSchema>, MetricPoint>>();
same<Same<z.infer<typeof TokenSchema>, ApiTokenRecord>>();
same<Same<z.infer<typeof IntensitySeriesSchema>, IntensitySeries>>();
same<Same<z.infer<typeof ProjectSummarySchema>, ProjectSummary>>();
same<Same<z.infer<typeof RunTotalsSchema>, RunTotals>>();
same<Same<z.infer<typeof RunBundleSchema>, RunBundle>>();
// A job's spec is a loose object (extra keys kept), so the check is one way: the schema's output is a JobRecord.
const _jobSchemaIsJobRecord: (j: z.infer<typeof JobSchema>) => JobRecord = (j) => j;
