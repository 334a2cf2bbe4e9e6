/**
 * A sampling session: ticks on a timer while the wrapped command runs, turns readings into
 * `Sample` records through the accountant, hands them over in batches (every flushEveryS and at
 * the end: nothing measured is lost if greenml dies later), and tails the metrics file.
 *
 * Each tick is a handful of synchronous procfs/sysfs reads and a buffer swap for the GPU stream,
 * with no waiting. A sampler that throws is switched off with its reason and the run carries on:
 * measurement never kills the workload (shared/DESIGN.md principle 3).
 */
import { type ComponentEnergy, GreenmlError, type Sample } from '../core/index.js';
import type { EnergyAccountant, IntervalInput } from './accountant.js';
import { type FsReader, messageOf, rootedReader } from './fs-reader.js';
import { type InvalidLines, type MetricsBatch, type MetricsFileTail, type ProgressEvent, emptyBatch } from './metrics-file.js';
import { ProcessTreeSampler, type ProcessTreeStatus, waitedChildrenCpuS } from './procfs.js';
import type { GpuReading, MachineReading, ProcessTreeReading, RaplReading, Reading, Sampler, SamplerContext, SamplerId } from './sampler.js';

/** Sampling interval bounds, seconds: the settings schema (src/cli/config.ts) accepts the same range. */
export const MIN_INTERVAL_S = 0.1;
export const MAX_INTERVAL_S = 60;
export const DEFAULT_INTERVAL_S = 1;
/** Hand samples to the store every 5 s by default: at most 5 s of data lost if greenml is killed. */
export const DEFAULT_FLUSH_EVERY_S = 5;
/** Samples kept while the store keeps failing, at most (about 28 hours at 1 Hz). */
const MAX_BUFFERED_SAMPLES = 100_000;

export interface SessionOptions {
  rootPid: number;
  /** The environment the command was given (for CUDA_VISIBLE_DEVICES). */
  childEnv?: Readonly<Record<string, string | undefined>>;
  /** Samplers whose probe said available. */
  samplers: readonly Sampler[];
  accountant: EnergyAccountant;
  intervalS?: number;
  flushEveryS?: number;
  metrics?: MetricsFileTail | null;
  onSamples: (samples: Sample[]) => void | Promise<void>;
  onMetrics?: (batch: MetricsBatch) => void | Promise<void>;
  /** Progress lines, as soon as a tick reads them (for a progress bar). */
  onProgress?: (events: ProgressEvent[]) => void;
  /** A sampler switched off, a failed flush: things the user should hear about, once each. */
  onWarning?: (message: string) => void;
  /**
   * Use greenml's own waited-children CPU at the end to recover CPU the root used after the last
   * tick (only when greenml runs no other child during the session). Default true.
   */
  waitedChildrenCrossCheck?: boolean;
  reader?: FsReader;
  now?: () => number;
}

export interface DisabledSampler {
  sampler: SamplerId;
  reason: string;
  /** Epoch ms. */
  at: number;
}

export interface CpuCrossCheck {
  /** CPU of the tree as sampled (cgroup or /proc), core-seconds. */
  sampledCpuS: number | null;
  /** greenml's own cutime+cstime growth over the session: every waited descendant, exactly. */
  waitedChildrenCpuS: number | null;
  source: ProcessTreeReading['cpuSource'] | null;
  /** Core-seconds added to the last interval from the waited-children figure (CPU used after the last tick). */
  recoveredCpuS: number;
}

export interface SessionSummary {
  startedAt: number;
  endedAt: number;
  /** Time measured: from start to end, less the time spent paused. */
  durationS: number;
  /** Time spent paused (pause() to resume()), seconds; charged to no one. */
  pausedS: number;
  samples: number;
  totals: { cpuJ: number; gpuJ: number; memoryJ: number };
  components: ComponentEnergy[];
  notes: string[];
  disabled: DisabledSampler[];
  cpu: CpuCrossCheck;
  metrics: { points: number; params: number; progress: number; invalid: InvalidLines } | null;
  /** How the tree was followed: discovery, the run's cgroup (null once removed) or why there was none. */
  tree: ProcessTreeStatus | null;
}

export interface Session {
  readonly startedAt: number;
  /** The latest sample (for a live status line), or null before the first tick. */
  latest(): Sample | null;
  disabled(): DisabledSampler[];
  /** Takes a final reading, flushes everything, stops the samplers. Call once the child has exited. */
  stop(): Promise<SessionSummary>;
  /**
   * Stops ticking after a last reading and a flush, for a tree the caller has just stopped
   * (SIGSTOP): nothing is charged until resume(). Call resume() before SIGCONT.
   */
  pause(): Promise<void>;
  /** Takes new baselines (the paused interval is not charged) and ticks again. */
  resume(): void;
  /** Seconds spent paused so far (including a pause in progress). */
  pausedS(): number;
}

export function validateIntervalS(intervalS: number): number {
  if (!Number.isFinite(intervalS) || intervalS < MIN_INTERVAL_S || intervalS > MAX_INTERVAL_S) {
    throw new GreenmlError('INVALID_INPUT', `Sampling interval ${intervalS} s is out of range: give between ${MIN_INTERVAL_S} and ${MAX_INTERVAL_S} seconds (e.g. --interval 1s).`);
  }
  return intervalS;
}

function validateFlushEveryS(flushEveryS: number): number {
  if (!Number.isFinite(flushEveryS) || flushEveryS <= 0 || flushEveryS > 3600) {
    throw new GreenmlError('INVALID_INPUT', `Flush period ${flushEveryS} s is out of range: give a number of seconds above 0 and at most 3600 (e.g. --flush-every 5s).`);
  }
  return flushEveryS;
}

export async function startSession(options: SessionOptions): Promise<Session> {
  const intervalS = validateIntervalS(options.intervalS ?? DEFAULT_INTERVAL_S);
  const flushEveryS = validateFlushEveryS(options.flushEveryS ?? DEFAULT_FLUSH_EVERY_S);
  if (!Number.isInteger(options.rootPid) || options.rootPid <= 0) {
    throw new GreenmlError('INVALID_INPUT', `Root PID must be a positive whole number, got ${options.rootPid}: start the command first and pass its pid.`);
  }
  const now = options.now ?? Date.now;
  const reader = options.reader ?? rootedReader('/');
  const accountant = options.accountant;
  const warn = (message: string): void => options.onWarning?.(message);
  const enabled = new Map<SamplerId, Sampler>();
  const disabled: DisabledSampler[] = [];
  let treePids: readonly number[] = [options.rootPid];

  const disable = (sampler: Sampler, reason: string): void => {
    if (!enabled.delete(sampler.id)) return;
    disabled.push({ sampler: sampler.id, reason, at: now() });
    warn(`${sampler.id} sampler switched off: ${reason}`);
    sampler.stop().catch(() => undefined);
  };

  const treeSampler = options.samplers.find((s): s is ProcessTreeSampler => s instanceof ProcessTreeSampler) ?? null;
  const ctx: SamplerContext = { rootPid: options.rootPid, childEnv: options.childEnv ?? {}, treePids: () => treePids, now };
  const waitedAtStart = waitedChildrenCpuS(reader);
  for (const s of options.samplers) {
    enabled.set(s.id, s);
    try {
      await s.start(ctx);
    } catch (e) {
      disable(s, `could not start (${messageOf(e)})`);
    }
  }

  const readAll = (): { tree: ProcessTreeReading | null; machine: MachineReading | null; rapl: RaplReading | null; gpu: GpuReading | null } => {
    const out: Partial<Record<Reading['kind'], Reading>> = {};
    for (const s of [...enabled.values()]) {
      try {
        const r = s.read();
        out[r.kind] = r;
      } catch (e) {
        disable(s, messageOf(e));
      }
    }
    const tree = (out['process-tree'] as ProcessTreeReading | undefined) ?? null;
    if (tree) treePids = tree.pids;
    return { tree, machine: (out['machine'] as MachineReading | undefined) ?? null, rapl: (out['rapl'] as RaplReading | undefined) ?? null, gpu: (out['gpu'] as GpuReading | undefined) ?? null };
  };

  const startedAt = now();
  accountant.begin({ t: startedAt, ...readAll() });

  let buffer: Sample[] = [];
  let metricsBuffer = emptyBatch();
  let metricCount = 0;
  let paramCount = 0;
  let progressCount = 0;
  let samplesTotal = 0;
  let latest: Sample | null = null;
  let lastTree: ProcessTreeReading | null = null;
  let lastFlush = startedAt;
  let flushing: Promise<void> | null = null;

  const takeMetrics = (batch: MetricsBatch): void => {
    metricsBuffer.metrics.push(...batch.metrics);
    Object.assign(metricsBuffer.params, batch.params);
    metricCount += batch.metrics.length;
    paramCount += Object.keys(batch.params).length;
    if (batch.progress.length > 0) {
      progressCount += batch.progress.length;
      metricsBuffer.progress.push(...batch.progress);
      try {
        options.onProgress?.(batch.progress);
      } catch (e) {
        warn(`progress callback failed: ${messageOf(e)}`);
      }
    }
  };

  const flush = async (): Promise<void> => {
    const samples = buffer;
    const metrics = metricsBuffer;
    buffer = [];
    metricsBuffer = emptyBatch();
    lastFlush = now();
    if (samples.length > 0) {
      try {
        await options.onSamples(samples);
      } catch (e) {
        // Keep them for the next flush: the store may come back.
        buffer = [...samples, ...buffer].slice(-MAX_BUFFERED_SAMPLES);
        warn(`could not hand over ${samples.length} sample(s): ${messageOf(e)}; will retry`);
      }
    }
    if (options.onMetrics && (metrics.metrics.length > 0 || Object.keys(metrics.params).length > 0 || metrics.progress.length > 0)) {
      try {
        await options.onMetrics(metrics);
      } catch (e) {
        metricsBuffer.metrics.unshift(...metrics.metrics);
        metricsBuffer.params = { ...metrics.params, ...metricsBuffer.params };
        warn(`could not hand over metrics: ${messageOf(e)}; will retry`);
      }
    }
  };

  const record = (input: IntervalInput): void => {
    const e = accountant.update(input);
    const totals = accountant.totals();
    const perS = (j: number | null): number | null => (j === null || e.dtS <= 0 ? null : j / e.dtS);
    const sample: Sample = {
      t: e.t,
      dtS: e.dtS,
      cpuW: perS(e.cpuJ),
      gpuW: perS(e.gpuJ),
      memoryW: perS(e.memoryJ),
      cpuJ: totals.cpuJ,
      gpuJ: totals.gpuJ,
      memoryJ: totals.memoryJ,
      cpuCores: e.cpuCores,
      memoryBytes: e.memoryBytes,
      gpuUtilPct: e.gpuUtilPct,
      detail: Object.keys(e.detail).length > 0 ? e.detail : null,
    };
    latest = sample;
    samplesTotal++;
    buffer.push(sample);
    if (buffer.length > MAX_BUFFERED_SAMPLES) buffer.shift();
  };

  const pollMetrics = (final: boolean): void => {
    if (!options.metrics) return;
    try {
      takeMetrics(final ? options.metrics.drain() : options.metrics.poll());
    } catch (e) {
      warn(`metrics file could not be read: ${messageOf(e)}`);
    }
  };

  const tick = (): void => {
    try {
      const readings = readAll();
      if (readings.tree) lastTree = readings.tree;
      record({ t: now(), ...readings });
      pollMetrics(false);
      if (!flushing && now() - lastFlush >= flushEveryS * 1000) {
        flushing = flush().finally(() => {
          flushing = null;
        });
      }
    } catch (e) {
      warn(`sampling tick failed: ${messageOf(e)}`);
    }
  };

  let timer = setInterval(tick, intervalS * 1000);
  timer.unref();
  let stopped: Promise<SessionSummary> | null = null;
  let pausedAt: number | null = null;
  let pausedMs = 0;

  const pause = async (): Promise<void> => {
    if (pausedAt !== null || stopped) return;
    clearInterval(timer);
    tick();
    pausedAt = now();
    if (flushing) await flushing;
    await flush();
  };

  const resume = (): void => {
    if (pausedAt === null || stopped) return;
    try {
      const readings = readAll();
      if (readings.tree) lastTree = readings.tree;
      accountant.rebase({ t: now(), ...readings });
    } catch (e) {
      warn(`sampling could not resume cleanly: ${messageOf(e)}`);
    }
    pausedMs += now() - pausedAt;
    pausedAt = null;
    timer = setInterval(tick, intervalS * 1000);
    timer.unref();
  };

  const pausedSoFarMs = (): number => pausedMs + (pausedAt === null ? 0 : now() - pausedAt);

  const stop = async (): Promise<SessionSummary> => {
    clearInterval(timer);
    // A tree that ended while paused (killed, cancelled): the pause is not charged either.
    if (pausedAt !== null) resume();
    clearInterval(timer);
    if (flushing) await flushing;
    // The final reading, right after the child exited.
    const readings = readAll();
    if (readings.tree) lastTree = readings.tree;
    const cpu: CpuCrossCheck = { sampledCpuS: lastTree?.cpuS ?? null, waitedChildrenCpuS: null, source: lastTree?.cpuSource ?? null, recoveredCpuS: 0 };
    const waitedNow = waitedChildrenCpuS(reader);
    if (waitedAtStart !== null && waitedNow !== null) cpu.waitedChildrenCpuS = waitedNow - waitedAtStart;
    // greenml's other children (nvidia-smi) are waited for too; only without them is the figure the tree's alone.
    const crossCheck = (options.waitedChildrenCrossCheck ?? true) && !options.samplers.some((s) => s.id === 'nvidia');
    if (readings.tree && crossCheck && readings.tree.cpuSource === 'procfs' && cpu.waitedChildrenCpuS !== null && cpu.waitedChildrenCpuS > readings.tree.cpuS) {
      cpu.recoveredCpuS = cpu.waitedChildrenCpuS - readings.tree.cpuS;
      readings.tree = { ...readings.tree, cpuS: cpu.waitedChildrenCpuS };
      cpu.sampledCpuS = readings.tree.cpuS;
    }
    record({ t: now(), ...readings, final: true });
    pollMetrics(true);
    await flush();
    if (buffer.length > 0) warn(`${buffer.length} sample(s) could not be handed over and are lost`);
    for (const s of enabled.values()) {
      try {
        await s.stop();
      } catch (e) {
        warn(`${s.id} sampler did not stop cleanly: ${messageOf(e)}`);
      }
    }
    options.metrics?.close();
    const endedAt = latest?.t ?? now();
    const { components, notes } = accountant.summary();
    for (const d of disabled) notes.push(`${d.sampler} sampler switched off during the run: ${d.reason}`);
    return {
      startedAt,
      endedAt,
      durationS: (endedAt - startedAt - pausedMs) / 1000,
      pausedS: pausedMs / 1000,
      samples: samplesTotal,
      totals: accountant.totals(),
      components,
      notes,
      disabled: [...disabled],
      cpu,
      metrics: options.metrics ? { points: metricCount, params: paramCount, progress: progressCount, invalid: options.metrics.invalid() } : null,
      tree: treeSampler?.status() ?? null,
    };
  };

  return {
    startedAt,
    latest: () => latest,
    disabled: () => [...disabled],
    stop: () => (stopped ??= stop()),
    pause,
    resume,
    pausedS: () => pausedSoFarMs() / 1000,
  };
}
