/**
 * What `greenml schedule`, `greenml agent` and `greenml jobs` share at the composition root: the
 * intensity sources a plan is made with (and rebuilt from the job to price its counterfactual),
 * the measurement of a job's run (measureCommand as `greenml run` composes it, with the job id,
 * the child in its own process group and no signal forwarding), the executor, and its log lines.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { measureCommand, resolveScheduleRegion, scheduledPlanOf, type SeriesLookup, type SourceRef } from '../../app/index.js';
import { GreenmlError, formatDurationS, formatMassG, meanIntensityOver, type IntensitySeries, type IntensitySignal } from '../../core/index.js';
import type { IntensitySource, SourceId } from '../../intensity/index.js';
import type { ExecuteJob, ExecutorEvent, JobQueue, LostJobPolicy, MeasureJob } from '../../schedule/index.js';
import type { Store } from '../../store/index.js';
import { resolveSettings } from '../config.js';
import { measureSettings } from '../measure-settings.js';
import { colors } from '../output.js';

export const SCHEDULE_SOURCES = ['static', 'file', 'electricitymaps', 'watttime', 'gb', 'store'] as const satisfies readonly SourceId[];

export interface SourceFlags {
  source?: string;
  file?: string[];
  format?: string;
  column?: string;
  signal?: string;
}

interface Env {
  env: Record<string, string | undefined>;
  cwd: string;
}

/** --source (default: a configured provider, else what the store holds) and its options, checked. */
export function sourceRefFromFlags(flags: SourceFlags, homeZone: string, where: Env): SourceRef {
  const { values } = resolveSettings({ flags: {}, env: where.env, cwd: where.cwd });
  const auto: SourceId = values.electricitymapsToken ? 'electricitymaps' : values.watttimeUsername && values.watttimePassword ? 'watttime' : 'store';
  const given = flags.source?.trim().toLowerCase();
  if (given !== undefined && !(SCHEDULE_SOURCES as readonly string[]).includes(given)) {
    throw new GreenmlError('INVALID_INPUT', `Invalid --source "${flags.source}": use one of ${SCHEDULE_SOURCES.join(', ')}.`);
  }
  const id = (given ?? ((flags.file ?? []).length > 0 ? 'file' : auto)) as SourceId;
  const ref: SourceRef = { id };
  if (id === 'file') {
    const files = (flags.file ?? []).map((f) => {
      const m = /^([A-Za-z0-9_:-]+)=(.+)$/.exec(f);
      const zone = m ? (m[1] as string) : homeZone;
      const path = resolve(where.cwd, m ? (m[2] as string) : f);
      if (!existsSync(path)) throw new GreenmlError('INVALID_INPUT', `--file ${f}: no such file. Give a Let's Wait Awhile, Electricity Maps, time,value CSV or JSON file.`);
      return { path, zone: m ? resolveScheduleRegion(zone).zone : zone };
    });
    if (files.length === 0) throw new GreenmlError('INVALID_INPUT', "--source file needs --file <path> (or ZONE=path for each zone), e.g. --file DE=de-2023.csv.");
    ref.files = files;
  } else if ((flags.file ?? []).length > 0) {
    throw new GreenmlError('INVALID_INPUT', `--file goes with --source file, not --source ${id}.`);
  }
  if (flags.format !== undefined) ref.format = flags.format;
  if (flags.column !== undefined) ref.column = flags.column;
  if (flags.signal !== undefined) ref.signal = flags.signal;
  return ref;
}

export interface Sources {
  source: IntensitySource;
  /** The store's imports and cached values (null when the source is the store itself). */
  stored: IntensitySource | null;
}

/** Builds the sources a SourceRef names, the live ones behind the store's cache. */
export async function buildSources(ref: SourceRef, store: Store, where: Env & { nowMs: () => number }): Promise<Sources> {
  const intensity = await import('../../intensity/index.js');
  const stored = intensity.storedSource(store);
  const nowMs = where.nowMs;
  const { values } = resolveSettings({ flags: {}, env: where.env, cwd: where.cwd });
  const signal: IntensitySignal | undefined | null = ref.signal === undefined ? undefined : ref.signal === 'marginal' || ref.signal === 'average' ? ref.signal : null;
  if (signal === null) throw new GreenmlError('INVALID_INPUT', `Invalid --signal "${ref.signal}": use average or marginal.`);
  const column = ref.column === undefined ? undefined : (intensity.EM_COLUMN_CHOICES as readonly string[]).includes(ref.column) ? (ref.column as 'lca' | 'direct') : null;
  if (column === null) throw new GreenmlError('INVALID_INPUT', `Invalid --column "${ref.column}": use ${intensity.EM_COLUMN_CHOICES.join(' or ')}.`);
  const cached = (s: IntensitySource): Sources => ({ source: intensity.cachedSource(s, store, { nowMs }), stored });
  switch (ref.id as SourceId) {
    case 'static': {
      const { countryIntensity, findRegion, regionIntensity } = await import('../../catalog/index.js');
      return { source: intensity.staticSource((zone) => (zone.includes(':') ? regionIntensity(findRegion(zone)) : countryIntensity(zone))), stored: null };
    }
    case 'store':
      return { source: stored, stored: null };
    case 'file': {
      const format = ref.format === undefined ? undefined : intensity.checkFormat(ref.format);
      const files = (ref.files ?? []).map((f) => ({ path: f.path, zone: f.zone, ...(format ? { format } : {}), ...(column ? { column } : {}), ...(signal ? { signal } : {}) }));
      return { source: intensity.fileSource(files), stored };
    }
    case 'electricitymaps':
      return cached(intensity.electricityMapsSource({ token: values.electricitymapsToken ?? '', emissionFactorType: column === 'direct' ? 'direct' : 'lifecycle', nowMs }));
    case 'watttime':
      return cached(intensity.wattTimeSource({ username: values.watttimeUsername ?? '', password: values.watttimePassword ?? '', signal: signal ?? 'marginal', nowMs }));
    case 'gb':
      return cached(intensity.gbCarbonIntensitySource({}));
  }
}

/**
 * Values for a zone over a span: reported values from the source or the store, else a forecast;
 * null when nothing covers the span, or only an annual average does (that is not time-resolved).
 */
export function seriesLookup(sources: Sources): SeriesLookup {
  const candidates = [sources.source, ...(sources.stored ? [sources.stored] : [])];
  return async (zone, fromMs, toMs) => {
    for (const s of candidates) {
      for (const get of [() => s.history(zone, fromMs, toMs), () => s.forecast(zone, fromMs, toMs)]) {
        try {
          const series: IntensitySeries | null = await get();
          if (series && series.kind !== 'static' && meanIntensityOver(series.points, fromMs, toMs) !== null) return series;
        } catch {
          // Not held by this source: try the next.
        }
      }
    }
    return null;
  };
}

export const newJobId = (): string => randomBytes(6).toString('hex');

/**
 * The job's run, measured exactly as `greenml run` measures: the same settings (the job's
 * environment over the agent's, the config file of the job's directory), the region the plan
 * chose, a time series for the run's intensity when the source has one.
 */
export function jobMeasure(store: Store, lookupFor: (ref: SourceRef | undefined) => Promise<SeriesLookup>): MeasureJob {
  return async (job, segment, events) => {
    const env = { ...process.env, ...job.env };
    const cwd = job.cwd ?? process.cwd();
    const { values: s } = resolveSettings({ flags: {}, env, cwd });
    const plan = scheduledPlanOf(job);
    const where = plan ? resolveScheduleRegion(plan.region).location : {};
    const lookup = await lookupFor(plan?.sourceRef);
    const meter = await import('../../meter/index.js');
    const measured = measureSettings(s, meter.DEFAULT_FLUSH_EVERY_S);
    return measureCommand(
      {
        command: segment.command,
        cwd,
        project: job.project,
        ...(job.name !== null ? { name: job.name } : {}),
        tags: { 'greenml.job': job.id, 'greenml.segment': String(segment.index) },
        ...(where.region ? { region: where.region } : where.country ? { country: where.country } : s.region ? { region: s.region } : s.country ? { country: s.country } : {}),
        ...measured,
        guard: null,
        jobId: job.id,
        host: hostname(),
        pid: process.pid,
        env,
        processGroup: true,
        forwardSignals: [],
      },
      {
        store,
        meter,
        now: Date.now,
        newRunId: newJobId,
        intensitySeries: (_loc, fromMs, toMs) => (plan ? lookup(plan.zone, fromMs, toMs) : Promise.resolve(null)),
        events,
      },
    );
  };
}

/** Builds (once per distinct SourceRef) the lookup a job's counterfactual and run are priced with. */
export function lookupCache(store: Store, where: Env, fallback: SourceRef): (ref: SourceRef | undefined) => Promise<SeriesLookup> {
  const cache = new Map<string, Promise<SeriesLookup>>();
  return (ref) => {
    const key = JSON.stringify(ref ?? fallback);
    let hit = cache.get(key);
    if (!hit) {
      hit = buildSources(ref ?? fallback, store, { ...where, nowMs: Date.now })
        .catch(() => buildSources(fallback, store, { ...where, nowMs: Date.now }))
        .then(seriesLookup);
      cache.set(key, hit);
    }
    return hit;
  };
}

/** To the minute, or to the second when the time is not on a whole minute (short windows). */
const when = (ms: number): string => new Date(ms).toISOString().slice(0, ms % 60_000 === 0 ? 16 : 19).replace('T', ' ') + 'Z';

/** One line on stderr per executor event, prefixed with who speaks. */
export function describeEvent(e: ExecutorEvent): string | null {
  const c = colors();
  const id = c.bold(e.job.id);
  switch (e.kind) {
    case 'started':
      return `job ${id} starting${e.segment.resumed ? ` (segment ${e.segment.index + 1}, resume command)` : ''}${e.late ? c.yellow(' late: its window passed while no agent ran') : ''}: ${e.segment.command.join(' ')}`;
    case 'run':
      return `job ${id} run ${e.run.id}`;
    case 'missed':
      return `job ${id} ${c.red('missed')}: ${e.message}`;
    case 'paused':
      return `job ${id} ${e.handedBack ? 'stopped at its checkpoint, handed back' : 'paused (SIGSTOP)'} until ${when(e.untilMs)}`;
    case 'resumed':
      return `job ${id} resumed (SIGCONT)`;
    case 'stopping':
      return `job ${id} ${c.yellow('stopping')} (${e.reason === 'cancelled' ? 'cancelled' : e.reason === 'agent-stopped' ? 'the agent is shutting down' : 'the hold on it was lost'}): SIGTERM, then SIGKILL after the grace period`;
    case 'finished': {
      const how = e.state === 'succeeded' ? c.green(e.state) : c.red(e.state);
      const o = e.outcome;
      const saved = o ? `; ${formatMassG(o.actualG)} emitted, ${formatMassG(o.immediateG)} had it started at once: saved ${formatMassG(o.savedG)} (${(o.savingRatio * 100).toFixed(1)} %, ${o.method}) in ${formatDurationS(o.activeS)} of run time` : '';
      return `job ${id} ${how}${e.exitCode !== null ? ` (exit ${e.exitCode})` : ''}${saved}${e.error && e.state !== 'succeeded' ? ` — ${e.error}` : ''}`;
    }
    case 'warning':
      return `job ${id} ${c.yellow('warning:')} ${e.message}`;
  }
}

/** --on-lost (or GREENML_ON_LOST), checked; fail when not given. */
export function parseOnLost(value: string | undefined, source = '--on-lost'): LostJobPolicy {
  if (value === undefined || value.trim() === '') return 'fail';
  const v = value.trim().toLowerCase();
  if (v === 'fail' || v === 'retry') return v;
  throw new GreenmlError('INVALID_INPUT', `Invalid ${source} "${value}": use fail (mark the job failed) or retry (run it again on another agent).`);
}

export const QUEUE_KINDS = ['auto', 'pgboss', 'store'] as const;

export interface JobQueueChoice {
  /** auto (default): pg-boss on PostgreSQL, the store's job table otherwise. */
  queue?: string;
  onLost?: LostJobPolicy;
  sweepEveryMs?: number;
  onWarning?: (message: string) => void;
}

/**
 * The queue for a database location: pg-boss in schema <store schema>_pgboss (greenml_pgboss for
 * public) on PostgreSQL, the store's own job table on SQLite or with --queue store. Both judge
 * every transition on the same job records, so agents of either kind can share a database.
 */
export async function openJobQueue(store: Store, location: string, o: JobQueueChoice = {}): Promise<JobQueue> {
  const kind = (o.queue ?? 'auto').trim().toLowerCase();
  if (!(QUEUE_KINDS as readonly string[]).includes(kind)) {
    throw new GreenmlError('INVALID_INPUT', `Invalid --queue "${o.queue}": use ${QUEUE_KINDS.join(', ')}.`);
  }
  const { parseStoreLocation } = await import('../../store/index.js');
  const where = parseStoreLocation(location);
  const schedule = await import('../../schedule/index.js');
  const lost = o.onLost !== undefined ? { onLost: o.onLost } : {};
  if (kind === 'store' || (kind === 'auto' && where.engine !== 'postgres')) return schedule.localQueue(store, lost);
  if (where.engine !== 'postgres') {
    throw new GreenmlError('INVALID_INPUT', `--queue pgboss needs a PostgreSQL database (--db postgres://...), not ${where.path}. Use --queue store for a SQLite file.`);
  }
  const url = new URL(where.url);
  const storeSchema = url.searchParams.get('schema') ?? 'public';
  url.searchParams.delete('schema');
  return schedule.openPgBossQueue(store, {
    connectionString: url.toString(),
    schema: schedule.defaultPgBossSchema(storeSchema),
    ...lost,
    ...(o.sweepEveryMs !== undefined ? { sweepEveryMs: o.sweepEveryMs } : {}),
    ...(o.onWarning ? { onWarning: o.onWarning } : {}),
  });
}

/** The executor as the CLI runs it (agent and schedule --wait): real clock, real meter, the store's queue. */
export async function cliExecutor(store: Store, queue: JobQueue, agentId: string, opts: { leaseMs?: number; log: (line: string) => void; onLost?: LostJobPolicy }): Promise<ExecuteJob> {
  const { createExecutor, startOrphanGuard, systemClock } = await import('../../schedule/index.js');
  const where = { env: process.env, cwd: process.cwd() };
  const fallback = sourceRefFromFlags({}, 'unknown', where);
  const lookups = lookupCache(store, where, fallback);
  return createExecutor({
    store,
    queue,
    clock: systemClock,
    agentId,
    measure: jobMeasure(store, lookups),
    intensityFor: (job) => lookups(scheduledPlanOf(job)?.sourceRef),
    ...(opts.onLost !== undefined ? { onLost: opts.onLost } : {}),
    guardChild: startOrphanGuard,
    ...(opts.leaseMs !== undefined ? { leaseMs: opts.leaseMs, checkEveryMs: Math.max(200, Math.min(5_000, opts.leaseMs / 4)) } : {}),
    onEvent: (e) => {
      const line = describeEvent(e);
      if (line) opts.log(line);
    },
  });
}
