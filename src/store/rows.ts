/**
 * Records to rows and back. JSON fields are text on every engine; numbers come back as numbers
 * (the PostgreSQL adapter parses int8 and numeric per pool). `search_text` is derived here so
 * both engines search the same lower-cased text.
 */
import type { ApiTokenRecord, JobRecord, MetricPoint, RunRecord, Sample, TokenScope, JobState, RunStatus } from '../core/index.js';
import { NO_STEP } from './migrations/0001-initial.js';
import type { ApiTokensTable, JobsTable, MetricsTable, RunsTable, SamplesTable } from './schema.js';

const json = (v: unknown): string => JSON.stringify(v);
const jsonOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
const parse = <T>(s: string): T => JSON.parse(s) as T;
const parseOrNull = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));
/** Drivers may hand back integers as bigint or strings in edge cases; records hold numbers. */
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

export function searchText(name: string | null, command: string[], tags: Record<string, string>): string {
  const parts = [name ?? '', ...command, ...Object.entries(tags).map(([k, v]) => `${k}=${v}`)];
  return parts.join(' ').toLowerCase();
}

export function runToRow(r: RunRecord): RunsTable {
  return {
    id: r.id,
    project: r.project,
    name: r.name,
    command: json(r.command),
    cwd: r.cwd,
    host: r.host,
    pid: r.pid,
    status: r.status,
    exit_code: r.exitCode,
    signal: r.signal,
    status_reason: r.statusReason,
    started_at: r.startedAt,
    ended_at: r.endedAt,
    heartbeat_at: r.heartbeatAt,
    location: jsonOrNull(r.location),
    instance: r.instance,
    duration_s: r.durationS,
    cpu_kwh: r.cpuKwh,
    gpu_kwh: r.gpuKwh,
    memory_kwh: r.memoryKwh,
    energy_kwh: r.energyKwh,
    operational_g: r.operationalG,
    embodied_g: r.embodiedG,
    total_g: r.totalG,
    cost_usd: r.costUsd,
    intensity_g_per_kwh: r.intensityGPerKwh,
    footprint: jsonOrNull(r.footprint),
    tags: json(r.tags),
    params: json(r.params),
    job_id: r.jobId,
    search_text: searchText(r.name, r.command, r.tags),
  };
}

export function rowToRun(row: RunsTable): RunRecord {
  return {
    id: row.id,
    project: row.project,
    name: row.name,
    command: parse<string[]>(row.command),
    cwd: row.cwd,
    host: row.host,
    pid: numOrNull(row.pid),
    status: row.status as RunStatus,
    exitCode: numOrNull(row.exit_code),
    signal: row.signal,
    statusReason: row.status_reason,
    startedAt: num(row.started_at),
    endedAt: numOrNull(row.ended_at),
    heartbeatAt: num(row.heartbeat_at),
    location: parseOrNull(row.location),
    instance: row.instance,
    durationS: num(row.duration_s),
    cpuKwh: num(row.cpu_kwh),
    gpuKwh: num(row.gpu_kwh),
    memoryKwh: num(row.memory_kwh),
    energyKwh: num(row.energy_kwh),
    operationalG: num(row.operational_g),
    embodiedG: num(row.embodied_g),
    totalG: num(row.total_g),
    costUsd: numOrNull(row.cost_usd),
    intensityGPerKwh: numOrNull(row.intensity_g_per_kwh),
    footprint: parseOrNull(row.footprint),
    tags: parse(row.tags),
    params: parse(row.params),
    jobId: row.job_id,
  };
}

export function sampleToRow(runId: string, s: Sample): SamplesTable {
  return {
    run_id: runId,
    t: s.t,
    dt_s: s.dtS,
    cpu_w: s.cpuW,
    gpu_w: s.gpuW,
    memory_w: s.memoryW,
    cpu_j: s.cpuJ,
    gpu_j: s.gpuJ,
    memory_j: s.memoryJ,
    cpu_cores: s.cpuCores,
    memory_bytes: s.memoryBytes,
    gpu_util_pct: s.gpuUtilPct,
    detail: jsonOrNull(s.detail),
  };
}

export function rowToSample(row: SamplesTable): Sample {
  return {
    t: num(row.t),
    dtS: num(row.dt_s),
    cpuW: numOrNull(row.cpu_w),
    gpuW: numOrNull(row.gpu_w),
    memoryW: numOrNull(row.memory_w),
    cpuJ: num(row.cpu_j),
    gpuJ: num(row.gpu_j),
    memoryJ: num(row.memory_j),
    cpuCores: numOrNull(row.cpu_cores),
    memoryBytes: numOrNull(row.memory_bytes),
    gpuUtilPct: numOrNull(row.gpu_util_pct),
    detail: parseOrNull(row.detail),
  };
}

export function metricToRow(runId: string, p: MetricPoint): MetricsTable {
  return { run_id: runId, key: p.key, step: p.step, step_key: p.step ?? NO_STEP, t: p.t, value: p.value };
}

export function rowToMetric(row: MetricsTable): MetricPoint {
  return { key: row.key, value: num(row.value), step: numOrNull(row.step), t: num(row.t) };
}

export function jobToRow(j: JobRecord): JobsTable {
  return {
    id: j.id,
    project: j.project,
    name: j.name,
    command: json(j.command),
    cwd: j.cwd,
    env: json(j.env),
    spec: json(j.spec),
    plan: jsonOrNull(j.plan),
    labels: json(j.labels),
    state: j.state,
    due_at_ms: j.dueAtMs,
    run_id: j.runId,
    agent_id: j.agentId,
    lease_until_ms: j.leaseUntilMs,
    attempts: j.attempts,
    error: j.error,
    created_at: j.createdAt,
    updated_at: j.updatedAt,
    started_at: j.startedAt,
    ended_at: j.endedAt,
  };
}

export function rowToJob(row: JobsTable): JobRecord {
  return {
    id: row.id,
    project: row.project,
    name: row.name,
    command: parse(row.command),
    cwd: row.cwd,
    env: parse(row.env),
    spec: parse(row.spec),
    plan: parseOrNull(row.plan),
    labels: parse(row.labels),
    state: row.state as JobState,
    dueAtMs: num(row.due_at_ms),
    runId: row.run_id,
    agentId: row.agent_id,
    leaseUntilMs: numOrNull(row.lease_until_ms),
    attempts: num(row.attempts),
    error: row.error,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    startedAt: numOrNull(row.started_at),
    endedAt: numOrNull(row.ended_at),
  };
}

export function tokenToRow(t: ApiTokenRecord): ApiTokensTable {
  return {
    id: t.id,
    name: t.name,
    project: t.project,
    scope: t.scope,
    hash: t.hash,
    created_at: t.createdAt,
    last_used_at: t.lastUsedAt,
    revoked_at: t.revokedAt,
  };
}

export function rowToToken(row: ApiTokensTable): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    project: row.project,
    scope: row.scope as TokenScope,
    hash: row.hash,
    createdAt: num(row.created_at),
    lastUsedAt: numOrNull(row.last_used_at),
    revokedAt: numOrNull(row.revoked_at),
  };
}
