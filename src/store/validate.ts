/**
 * Checks at the port boundary, shared by every engine, so that malformed input is rejected before
 * anything is written and both engines store exactly the same things. JSON cannot hold NaN or
 * Infinity and PostgreSQL text cannot hold NUL, so those are refused rather than silently changed.
 */
import {
  GreenmlError,
  JOB_STATES,
  RUN_STATUSES,
  TOKEN_SCOPES,
  type ApiTokenRecord,
  type IntensitySeries,
  type JobRecord,
  type MetricPoint,
  type RunRecord,
  type Sample,
} from '../core/index.js';
import { NO_STEP } from './migrations/0001-initial.js';
import { MAX_PAGE, RUN_SORTS, type RunBundle, type RunFilter, type RunQuery } from './store.js';

// greenml's own bounds: ids and names far longer than any real one, JSON nesting far deeper than a footprint's.
const MAX_ID = 200;
const MAX_JSON_DEPTH = 64;

function show(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  return Array.isArray(v) ? 'an array' : typeof v;
}

export function invalid(field: string, expected: string, got: unknown, details: Record<string, unknown> = {}): never {
  throw new GreenmlError('INVALID_INPUT', `${field} must be ${expected}, got ${show(got)}. Nothing was written.`, {
    details: { field, ...details },
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function text(v: unknown, field: string, opts: { nonEmpty?: boolean; max?: number } = {}): string {
  if (typeof v !== 'string') invalid(field, 'a string', v);
  if (opts.nonEmpty && v.length === 0) invalid(field, 'a non-empty string', v);
  if (opts.max !== undefined && v.length > opts.max) invalid(field, `at most ${opts.max} characters`, v);
  if (v.includes('\u0000')) invalid(field, 'a string without NUL characters', v);
  return v;
}
const textOrNull = (v: unknown, field: string): void => {
  if (v !== null) text(v, field);
};
export const id = (v: unknown, field: string): string => text(v, field, { nonEmpty: true, max: MAX_ID });

export function int(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) invalid(field, 'an integer', v);
  return v;
}
const intOrNull = (v: unknown, field: string): void => {
  if (v !== null) int(v, field);
};
export function finite(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) invalid(field, 'a finite number', v);
  return v;
}
const finiteOrNull = (v: unknown, field: string): void => {
  if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) invalid(field, 'a finite number or null', v);
};
const nonNegative = (v: unknown, field: string): void => {
  if (finite(v, field) < 0) invalid(field, 'a number >= 0', v);
};
function oneOf<T extends string>(v: unknown, allowed: readonly T[], field: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) invalid(field, `one of ${allowed.join(', ')}`, v);
  return v as T;
}
function textArray(v: unknown, field: string): void {
  if (!Array.isArray(v)) invalid(field, 'an array of strings', v);
  v.forEach((s, i) => text(s, `${field}[${i}]`));
}
function textRecord(v: unknown, field: string): void {
  if (!isRecord(v)) invalid(field, 'an object of strings', v);
  for (const [k, s] of Object.entries(v)) {
    text(k, `${field} key`);
    text(s, `${field}.${k}`);
  }
}

/** A value JSON.stringify keeps as is: finite numbers, strings, booleans, null, arrays, plain objects. */
export function jsonValue(v: unknown, field: string, depth = 0): void {
  if (depth > MAX_JSON_DEPTH) invalid(field, `nested at most ${MAX_JSON_DEPTH} levels`, v);
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) invalid(field, 'a finite number', v);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => jsonValue(x, `${field}[${i}]`, depth + 1));
    return;
  }
  if (isRecord(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    for (const [k, x] of Object.entries(v)) if (x !== undefined) jsonValue(x, `${field}.${k}`, depth + 1);
    return;
  }
  invalid(field, 'JSON data (numbers, strings, booleans, null, arrays, plain objects)', v);
}
function jsonObjectOrNull(v: unknown, field: string): void {
  if (v === null) return;
  if (!isRecord(v)) invalid(field, 'an object or null', v);
  jsonValue(v, field);
}

export function projectName(v: unknown, field = 'project'): string {
  return text(v, field, { nonEmpty: true, max: MAX_ID });
}

export function validateRun(run: RunRecord, field = 'run'): void {
  if (!isRecord(run)) invalid(field, 'an object', run);
  id(run.id, `${field}.id`);
  projectName(run.project, `${field}.project`);
  textOrNull(run.name, `${field}.name`);
  textArray(run.command, `${field}.command`);
  textOrNull(run.cwd, `${field}.cwd`);
  text(run.host, `${field}.host`);
  intOrNull(run.pid, `${field}.pid`);
  oneOf(run.status, RUN_STATUSES, `${field}.status`);
  intOrNull(run.exitCode, `${field}.exitCode`);
  textOrNull(run.signal, `${field}.signal`);
  textOrNull(run.statusReason, `${field}.statusReason`);
  int(run.startedAt, `${field}.startedAt`);
  intOrNull(run.endedAt, `${field}.endedAt`);
  int(run.heartbeatAt, `${field}.heartbeatAt`);
  jsonObjectOrNull(run.location, `${field}.location`);
  if (run.location !== null) text(run.location.label, `${field}.location.label`);
  textOrNull(run.instance, `${field}.instance`);
  for (const k of ['durationS', 'cpuKwh', 'gpuKwh', 'memoryKwh', 'energyKwh', 'operationalG', 'embodiedG', 'totalG'] as const) {
    finite(run[k], `${field}.${k}`);
  }
  finiteOrNull(run.costUsd, `${field}.costUsd`);
  finiteOrNull(run.intensityGPerKwh, `${field}.intensityGPerKwh`);
  jsonObjectOrNull(run.footprint, `${field}.footprint`);
  textRecord(run.tags, `${field}.tags`);
  validateParams(run.params, `${field}.params`);
  textOrNull(run.jobId, `${field}.jobId`);
}

export function validateParams(params: unknown, field = 'params'): void {
  if (!isRecord(params)) invalid(field, 'an object', params);
  for (const [k, v] of Object.entries(params)) {
    text(k, `${field} key`);
    if (typeof v === 'number') finite(v, `${field}.${k}`);
    else if (typeof v !== 'string' && typeof v !== 'boolean') invalid(`${field}.${k}`, 'a string, number or boolean', v);
    else if (typeof v === 'string') text(v, `${field}.${k}`);
  }
}

const SAMPLE_NULLABLE = ['cpuW', 'gpuW', 'memoryW', 'cpuCores', 'memoryBytes', 'gpuUtilPct'] as const;
const SAMPLE_REQUIRED = ['cpuJ', 'gpuJ', 'memoryJ'] as const;

/** Checks a whole batch before any write; the error names the first bad sample's index and field. */
export function validateSamples(samples: unknown, field = 'samples'): asserts samples is Sample[] {
  if (!Array.isArray(samples)) invalid(field, 'an array', samples);
  samples.forEach((s: Sample, index) => {
    const at = (k: string): [string, Record<string, unknown>] => [`${field}[${index}].${k}`, { index, key: k }];
    if (!isRecord(s)) invalid(`${field}[${index}]`, 'an object', s, { index });
    const check = (k: string, ok: boolean, expected: string, v: unknown): void => {
      if (!ok) invalid(at(k)[0], expected, v, at(k)[1]);
    };
    check('t', typeof s.t === 'number' && Number.isSafeInteger(s.t), 'an integer (epoch ms)', s.t);
    check('dtS', typeof s.dtS === 'number' && Number.isFinite(s.dtS) && s.dtS >= 0, 'a finite number >= 0', s.dtS);
    for (const k of SAMPLE_REQUIRED) check(k, typeof s[k] === 'number' && Number.isFinite(s[k]), 'a finite number', s[k]);
    for (const k of SAMPLE_NULLABLE) {
      const v = s[k];
      check(k, v === null || (typeof v === 'number' && Number.isFinite(v)), 'a finite number or null', v);
    }
    if (s.detail !== null) {
      check('detail', isRecord(s.detail), 'an object or null', s.detail);
      jsonValue(s.detail, at('detail')[0]);
    }
  });
}

export function validateMetrics(points: unknown, field = 'metrics'): asserts points is MetricPoint[] {
  if (!Array.isArray(points)) invalid(field, 'an array', points);
  points.forEach((p: MetricPoint, index) => {
    const f = (k: string): string => `${field}[${index}].${k}`;
    if (!isRecord(p)) invalid(`${field}[${index}]`, 'an object', p, { index });
    if (typeof p.key !== 'string' || p.key.length === 0 || p.key.includes('\u0000')) invalid(f('key'), 'a non-empty string', p.key, { index, key: 'key' });
    if (typeof p.value !== 'number' || !Number.isFinite(p.value)) invalid(f('value'), 'a finite number', p.value, { index, key: 'value' });
    if (p.step !== null && (typeof p.step !== 'number' || !Number.isSafeInteger(p.step) || p.step === NO_STEP)) {
      invalid(f('step'), 'an integer or null', p.step, { index, key: 'step' });
    }
    if (typeof p.t !== 'number' || !Number.isSafeInteger(p.t)) invalid(f('t'), 'an integer (epoch ms)', p.t, { index, key: 't' });
  });
}

export function validateJob(job: JobRecord, field = 'job'): void {
  if (!isRecord(job)) invalid(field, 'an object', job);
  id(job.id, `${field}.id`);
  projectName(job.project, `${field}.project`);
  textOrNull(job.name, `${field}.name`);
  textArray(job.command, `${field}.command`);
  textOrNull(job.cwd, `${field}.cwd`);
  textRecord(job.env, `${field}.env`);
  const spec = job.spec;
  if (!isRecord(spec)) invalid(`${field}.spec`, 'an object', spec);
  nonNegative(spec.durationS, `${field}.spec.durationS`);
  int(spec.earliestStartMs, `${field}.spec.earliestStartMs`);
  int(spec.deadlineMs, `${field}.spec.deadlineMs`);
  textArray(spec.regions, `${field}.spec.regions`);
  if (typeof spec.interruptible !== 'boolean') invalid(`${field}.spec.interruptible`, 'a boolean', spec.interruptible);
  nonNegative(spec.minChunkS, `${field}.spec.minChunkS`);
  int(spec.maxPauses, `${field}.spec.maxPauses`);
  if (spec.resumeCommand !== undefined) textArray(spec.resumeCommand, `${field}.spec.resumeCommand`);
  jsonValue(spec, `${field}.spec`);
  jsonObjectOrNull(job.plan, `${field}.plan`);
  textRecord(job.labels, `${field}.labels`);
  oneOf(job.state, JOB_STATES, `${field}.state`);
  int(job.dueAtMs, `${field}.dueAtMs`);
  textOrNull(job.runId, `${field}.runId`);
  textOrNull(job.agentId, `${field}.agentId`);
  intOrNull(job.leaseUntilMs, `${field}.leaseUntilMs`);
  if (int(job.attempts, `${field}.attempts`) < 0) invalid(`${field}.attempts`, 'an integer >= 0', job.attempts);
  textOrNull(job.error, `${field}.error`);
  int(job.createdAt, `${field}.createdAt`);
  int(job.updatedAt, `${field}.updatedAt`);
  intOrNull(job.startedAt, `${field}.startedAt`);
  intOrNull(job.endedAt, `${field}.endedAt`);
}

export function validateToken(token: ApiTokenRecord, field = 'token'): void {
  if (!isRecord(token)) invalid(field, 'an object', token);
  id(token.id, `${field}.id`);
  text(token.name, `${field}.name`, { nonEmpty: true, max: MAX_ID });
  if (token.project !== null) projectName(token.project, `${field}.project`);
  oneOf(token.scope, TOKEN_SCOPES, `${field}.scope`);
  tokenHash(token.hash, `${field}.hash`);
  int(token.createdAt, `${field}.createdAt`);
  intOrNull(token.lastUsedAt, `${field}.lastUsedAt`);
  intOrNull(token.revokedAt, `${field}.revokedAt`);
}

export function tokenHash(v: unknown, field = 'hash'): string {
  if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v)) invalid(field, 'a SHA-256 digest in lower-case hex (64 characters)', v);
  return v;
}

export function validateSeries(series: IntensitySeries, field = 'series'): void {
  if (!isRecord(series)) invalid(field, 'an object', series);
  text(series.zone, `${field}.zone`, { nonEmpty: true, max: MAX_ID });
  oneOf(series.signal, ['average', 'marginal'] as const, `${field}.signal`);
  oneOf(series.kind, ['actual', 'forecast', 'static'] as const, `${field}.kind`);
  text(series.source, `${field}.source`, { nonEmpty: true });
  if (!Array.isArray(series.points)) invalid(`${field}.points`, 'an array', series.points);
  series.points.forEach((p, i) => {
    const f = `${field}.points[${i}]`;
    if (!isRecord(p)) invalid(f, 'an object', p);
    int(p.t, `${f}.t`);
    if (finite(p.durationS, `${f}.durationS`) <= 0) invalid(`${f}.durationS`, 'a number > 0', p.durationS);
    nonNegative(p.intensityGPerKwh, `${f}.intensityGPerKwh`);
  });
}

export function validateBundle(bundle: RunBundle): void {
  if (!isRecord(bundle)) invalid('bundle', 'an object', bundle);
  if (bundle.format !== 'greenml.run-bundle') invalid('bundle.format', '"greenml.run-bundle"', bundle.format);
  if (bundle.version !== 1) invalid('bundle.version', '1 (re-export it with this greenml version)', bundle.version);
  validateRun(bundle.run, 'bundle.run');
  validateSamples(bundle.samples, 'bundle.samples');
  validateMetrics(bundle.metrics, 'bundle.metrics');
}

export function validateRunFilter(filter: RunFilter): void {
  if (!isRecord(filter)) invalid('filter', 'an object', filter);
  if (filter.project !== undefined) projectName(filter.project, 'filter.project');
  if (filter.status !== undefined) {
    const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
    statuses.forEach((s, i) => oneOf(s, RUN_STATUSES, `filter.status[${i}]`));
  }
  if (filter.since !== undefined) int(filter.since, 'filter.since');
  if (filter.until !== undefined) int(filter.until, 'filter.until');
  if (filter.search !== undefined) text(filter.search, 'filter.search', { max: 500 });
}

export function pageLimit(v: unknown, fallback: number, field = 'limit'): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > MAX_PAGE) invalid(field, `an integer from 1 to ${MAX_PAGE}`, v);
  return v;
}

export function validateRunQuery(q: RunQuery): void {
  validateRunFilter(q);
  if (q.sort !== undefined) oneOf(q.sort, RUN_SORTS, 'sort');
  if (q.order !== undefined) oneOf(q.order, ['asc', 'desc'] as const, 'order');
  pageLimit(q.limit, 50);
}
