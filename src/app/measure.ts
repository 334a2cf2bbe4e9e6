/**
 * `greenml run`: measure one command from outside. The run row exists from the first second
 * (status running), samples and metrics are flushed as the child runs, the headline figures are
 * kept up to date at each flush (so a run whose wrapper dies still shows what was measured), and
 * at the end the footprint is computed with every factor's source. Measurement failing never
 * kills the workload; the child's exit code is the result.
 */
import { embodiedDefaults, findInstance, listPrices, type Instance } from '../catalog/index.js';
import {
  GreenmlError,
  appendProgress,
  computeFootprint,
  createTqdmParser,
  decideGuard,
  embodiedShare,
  emptyTrace,
  equivalencesFor,
  initialGuardState,
  kwhFromJoules,
  predictRun,
  progressFromMetrics,
  type ComponentEnergy,
  type EmbodiedShare,
  type Equivalence,
  type GuardConfig,
  type GuardDecision,
  type IntensitySeries,
  type MetricPoint,
  type PriceInput,
  type Pricing,
  type ProgressEvent,
  type RunPrediction,
  type RunRecord,
  type Sample,
} from '../core/index.js';
import type * as Meter from '../meter/index.js';
import type { Store } from '../store/index.js';
import { chooseCpuModel } from './cpu-model.js';
import { resolveLocation, type LocationInput, type ResolvedLocation } from './location.js';

/** The parts of the meter a measurement uses; the CLI passes the real module. */
export type MeterKit = Pick<
  typeof Meter,
  'probeMeter' | 'probeHost' | 'spawnChild' | 'exitCodeFor' | 'startSession' | 'EnergyAccountant' | 'createMetricsFile' | 'MetricsFileTail' | 'METRICS_FILE_ENV' | 'RUN_ID_ENV'
>;

export interface MeasureRequest extends LocationInput {
  command: string[];
  cwd: string;
  project: string;
  name?: string;
  tags?: Record<string, string>;
  instance?: string;
  pricing?: Pricing;
  priceUsdPerHour?: number;
  electricityUsdPerKwh?: number;
  intervalS?: number;
  /** How often samples are stored, s (the meter's DEFAULT_FLUSH_EVERY_S unless the user says). */
  flushEveryS: number;
  attribution?: 'busy-share' | 'machine';
  memoryWPerGb?: number;
  guard?: GuardConfig | null;
  /** Grace period between SIGTERM and SIGKILL when a guard stops the run, s. */
  stopGraceS?: number;
  /** The scheduled job this run executes, if any. */
  jobId?: string;
  /** Start the command in its own process group (the scheduler pauses jobs by signalling the group). */
  processGroup?: boolean;
  /**
   * Read tqdm-style progress bars from the child's stderr (passed on byte for byte). The CLI turns
   * this on when greenml's own stderr is not a terminal (see meter/spawn.ts onStderr), or on request.
   */
  progressFromStderr?: boolean;
  /** Signals greenml passes on to the command (default: the meter's FORWARDED_SIGNALS; the agent passes none: its own SIGTERM means "drain"). */
  forwardSignals?: readonly NodeJS.Signals[];
  host: string;
  /** PID of this greenml process (to tell a live run from a lost one). */
  pid: number;
  /** Base environment for the child (greenml's own). */
  env: NodeJS.ProcessEnv;
}

export interface MeasureEvents {
  /** The run row exists and the child is about to start. */
  onStart?: (run: RunRecord) => void;
  onWarning?: (message: string) => void;
  onGuard?: (decision: GuardDecision) => void;
  onPrediction?: (prediction: RunPrediction) => void;
  /** Called with each batch of samples after it is stored (for a live status line). */
  onSamples?: (samples: Sample[], run: RunRecord) => void;
  /** The child has been spawned (the scheduler signals it, or its process group). */
  onChild?: (child: Meter.RunningChild) => void;
  /** Sampling has started: the control pauses and resumes the measurement around a SIGSTOP. */
  onSession?: (control: MeasureControl) => void;
}

/**
 * Pausing a measurement for a tree the caller stops and continues (SIGSTOP/SIGCONT): pause() after
 * stopping it takes a last reading and stops ticking; resume() before continuing it takes new
 * baselines. The paused time is charged to no one and left out of the run's duration; the run's
 * heartbeat is kept while paused, so the run is not taken for lost.
 */
export interface MeasureControl {
  pause(): Promise<void>;
  resume(): void;
  /** Seconds spent paused so far. */
  pausedS(): number;
}

export interface MeasureDeps {
  store: Store;
  meter: MeterKit;
  now: () => number;
  newRunId: () => string;
  /** A time series of grid intensity for the run's zone, when a live or imported source has one. */
  intensitySeries?: (loc: ResolvedLocation, fromMs: number, toMs: number) => Promise<IntensitySeries | null>;
  /** Where to create the metrics file (a temp directory). */
  metricsDir?: string;
  /** Hook for stderr observation (tqdm progress) — returns progress events for a chunk. */
  events?: MeasureEvents;
}

export interface MeasureResult {
  run: RunRecord;
  exitCode: number;
  equivalences: Equivalence[];
  summary: Meter.SessionSummary | null;
  prediction: RunPrediction | null;
}

const DEFAULT_STOP_GRACE_S = 10;

function priceFor(instance: Instance | null, req: MeasureRequest, region: string | undefined, notes: string[]): PriceInput | null {
  if (req.priceUsdPerHour !== undefined) return { kind: 'instance', priceUsdPerHour: req.priceUsdPerHour, basis: 'user-price', source: 'given by the user' };
  if (instance) {
    const pricing = req.pricing ?? 'on-demand';
    if (pricing === 'reserved-3y') notes.push('The catalog has no 3-year reserved prices: no cost computed.');
    else {
      const p = listPrices({ instance: instance.id, pricing, ...(region ? { region } : {}) })[0];
      if (p) return { kind: 'instance', priceUsdPerHour: p.usdPerHour, basis: pricing, source: `${p.sourceId}, ${p.region}, observed ${p.observedAt}` };
      notes.push(`No ${pricing} price for ${instance.id}${region ? ` in ${region}` : ''} in the catalog: no cost computed. Pass --price-per-hour.`);
    }
  }
  if (req.electricityUsdPerKwh !== undefined) return { kind: 'electricity', priceUsdPerKwh: req.electricityUsdPerKwh, source: 'given by the user' };
  return null;
}

/** Running totals from the latest cumulative sample, so the row is meaningful before the end. */
function runningTotals(s: Sample, loc: ResolvedLocation): Partial<RunRecord> {
  const cpuKwh = kwhFromJoules(s.cpuJ);
  const gpuKwh = kwhFromJoules(s.gpuJ);
  const memoryKwh = kwhFromJoules(s.memoryJ);
  const energyKwh = (cpuKwh + gpuKwh + memoryKwh) * loc.pue.value;
  const operationalG = energyKwh * loc.intensity.value;
  return { cpuKwh, gpuKwh, memoryKwh, energyKwh, operationalG, totalG: operationalG, intensityGPerKwh: loc.intensity.value };
}

export async function measureCommand(req: MeasureRequest, deps: MeasureDeps): Promise<MeasureResult> {
  const { store, meter, now } = deps;
  const ev = deps.events ?? {};
  const warn = (m: string): void => ev.onWarning?.(m);
  if (req.command.length === 0 || !req.command[0]) throw new GreenmlError('INVALID_INPUT', 'No command to run: put it after --, e.g. greenml run -- python train.py');

  // Everything that can be wrong with the input fails here, before the child starts.
  const loc = resolveLocation(req, 'local');
  const instance = req.instance ? findInstance(req.instance) : null;
  const notes = [...loc.notes];
  const price = priceFor(instance, req, loc.location.region, notes);

  const [m, host] = await Promise.all([meter.probeMeter({ env: req.env }), meter.probeHost()]);
  const cpu = chooseCpuModel({ instance, cpuModel: host.cpu.model, logicalCpus: m.logicalCpus });
  const accountant = new meter.EnergyAccountant({
    attribution: req.attribution ?? 'busy-share',
    cpuModel: cpu.model,
    logicalCpus: m.logicalCpus,
    ...(req.memoryWPerGb !== undefined ? { memoryWPerGb: req.memoryWPerGb } : {}),
  });

  const startedAt = now();
  const id = deps.newRunId();
  await store.ensureProject(req.project);
  let run: RunRecord = {
    id,
    project: req.project,
    name: req.name ?? null,
    command: req.command,
    cwd: req.cwd,
    host: req.host,
    pid: req.pid,
    status: 'running',
    exitCode: null,
    signal: null,
    statusReason: null,
    startedAt,
    endedAt: null,
    heartbeatAt: startedAt,
    location: loc.location,
    instance: instance?.id ?? null,
    durationS: 0,
    cpuKwh: 0,
    gpuKwh: 0,
    memoryKwh: 0,
    energyKwh: 0,
    operationalG: 0,
    embodiedG: 0,
    totalG: 0,
    costUsd: null,
    intensityGPerKwh: loc.intensity.value,
    footprint: null,
    // greenml.* tags record how the run was measured; the flush period tells a stale run from a live one.
    tags: { ...(req.tags ?? {}), 'greenml.meter': m.kind, 'greenml.flush_s': String(req.flushEveryS) },
    params: {},
    jobId: req.jobId ?? null,
  };
  await store.createRun(run);
  ev.onStart?.(run);

  let summary: Meter.SessionSummary | null = null;
  let trace = emptyTrace();
  let guardState = initialGuardState();
  let prediction: RunPrediction | null = null;
  let stoppedBy: GuardDecision | null = null;
  let latest: Sample | null = null;
  const intervals: { startMs: number; endMs: number; energyKwh: number }[] = [];
  let lastCumJ = 0;

  const metricsPath = meter.createMetricsFile(id, deps.metricsDir);
  const tqdm = req.progressFromStderr ? createTqdmParser() : null;
  const child = meter.spawnChild({
    command: req.command[0],
    args: req.command.slice(1),
    cwd: req.cwd,
    baseEnv: req.env,
    env: { [meter.RUN_ID_ENV]: id, [meter.METRICS_FILE_ENV]: metricsPath },
    ...(req.processGroup ? { processGroup: true } : {}),
    ...(req.forwardSignals ? { signals: req.forwardSignals } : {}),
    ...(tqdm ? { onStderr: (chunk: Uint8Array) => observeProgress(tqdm.push(chunk)) } : {}),
  });
  ev.onChild?.(child);
  // A guard stops a command that is still running; once it has ended there is nothing to stop.
  let childExited = false;
  void child.result.then(() => (childExited = true));
  let session: Meter.Session | null = null;

  /**
   * Adds progress to the trace at the time and energy of the session's latest sample (the tick that
   * read a metrics line, or the last one before a stderr bar; `latest` is only the last flushed
   * one), so the point is never later than the sample a prediction is made at.
   */
  function observeProgress(events: readonly ProgressEvent[]): void {
    const at = session?.latest() ?? latest;
    const t = at?.t ?? now();
    const energyKwh = at ? kwhFromJoules(at.cpuJ + at.gpuJ + at.memoryJ) * loc.pue.value : 0;
    for (const e of events) trace = appendProgress(trace, e, t, energyKwh);
  }

  const checkGuards = (): void => {
    if (!latest) return;
    const t = latest.t;
    const energyKwh = kwhFromJoules(latest.cpuJ + latest.gpuJ + latest.memoryJ) * loc.pue.value;
    const elapsedH = (t - startedAt) / 3.6e6;
    const costSoFar = price?.kind === 'instance' ? price.priceUsdPerHour * elapsedH : price?.kind === 'electricity' ? energyKwh * price.priceUsdPerKwh : null;
    if (trace.points.length > 0) {
      prediction = predictRun({
        trace: trace.points,
        startedMs: startedAt,
        nowMs: t,
        energyKwh,
        intensityGPerKwh: loc.intensity.value,
        ...(costSoFar !== null ? { costUsd: costSoFar } : {}),
        ...(price?.kind === 'instance' ? { costUsdPerHour: price.priceUsdPerHour } : {}),
        ...(price?.kind === 'electricity' ? { priceUsdPerKwh: price.priceUsdPerKwh } : {}),
      });
      ev.onPrediction?.(prediction);
    }
    if (!req.guard || stoppedBy || childExited) return;
    const decision = decideGuard(
      req.guard,
      { prediction, fraction: trace.points.at(-1)?.fraction ?? null, actual: { energyKwh, co2eG: energyKwh * loc.intensity.value, costUsd: costSoFar } },
      guardState,
    );
    guardState = decision.state;
    if (decision.action === 'none') return;
    ev.onGuard?.(decision);
    if (decision.action === 'stop') {
      stoppedBy = decision;
      child.kill('SIGTERM');
      const grace = setTimeout(() => child.kill('SIGKILL'), (req.stopGraceS ?? DEFAULT_STOP_GRACE_S) * 1000);
      grace.unref();
      void child.result.then(() => clearTimeout(grace));
    }
  };

  /**
   * The latest prediction of the run's totals, kept as greenml/* metrics so the dashboard, the API
   * and /metrics can show it while the run goes on (central value; low/high as separate keys).
   */
  let lastPredictionAt = 0;
  async function recordPrediction(t: number): Promise<void> {
    const p = prediction as RunPrediction | null;
    if (!p || p.atMs === lastPredictionAt) return;
    lastPredictionAt = p.atMs;
    const points: MetricPoint[] = [{ key: 'greenml/progress', value: p.fraction, step: null, t }];
    const add = (key: string, e: { central: number; low: number; high: number | null } | null): void => {
      if (!e) return;
      points.push({ key, value: e.central, step: null, t }, { key: `${key}_low`, value: e.low, step: null, t });
      if (e.high !== null) points.push({ key: `${key}_high`, value: e.high, step: null, t });
    };
    add('greenml/predicted_energy_kwh', p.energyKwh);
    add('greenml/predicted_co2e_g', p.co2eG);
    add('greenml/predicted_cost_usd', p.costUsd);
    add('greenml/predicted_duration_s', p.durationS);
    try {
      await store.appendMetrics(id, points.filter((x) => Number.isFinite(x.value)));
    } catch (e) {
      warn(`the prediction was not stored (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  if (child.pid !== undefined) {
    try {
      session = await meter.startSession({
        rootPid: child.pid,
        childEnv: child.env,
        samplers: m.samplers,
        accountant,
        ...(req.intervalS !== undefined ? { intervalS: req.intervalS } : {}),
        flushEveryS: req.flushEveryS,
        metrics: new meter.MetricsFileTail(metricsPath),
        onWarning: warn,
        onSamples: async (samples) => {
          if (samples.length === 0) return;
          await store.appendSamples(id, samples);
          for (const s of samples) {
            const cum = s.cpuJ + s.gpuJ + s.memoryJ;
            intervals.push({ startMs: s.t - s.dtS * 1000, endMs: s.t, energyKwh: kwhFromJoules(cum - lastCumJ) });
            lastCumJ = cum;
          }
          latest = samples[samples.length - 1] as Sample;
          const pausedS = session?.pausedS() ?? 0;
          run = await store.updateRun(id, { heartbeatAt: now(), durationS: (latest.t - startedAt) / 1000 - pausedS, ...runningTotals(latest, loc) });
          checkGuards();
          await recordPrediction(latest.t);
          ev.onSamples?.(samples, run);
        },
        // Progress joins the trace as each tick reads it, so the prediction made when the samples
        // are handed over (the final flush included) already counts it.
        onProgress: (lines) => {
          const events = lines.map((p) => progressFromMetrics(p)).filter((e): e is ProgressEvent => e !== null);
          if (events.length) observeProgress(events);
        },
        onMetrics: async (batch) => {
          if (batch.metrics.length) await store.appendMetrics(id, batch.metrics as MetricPoint[]);
          if (Object.keys(batch.params).length) await store.setParams(id, batch.params as Record<string, string | number | boolean>);
          // A finished epoch is also a metric, so reports can count epochs as SCI's functional unit.
          const epochs = batch.progress
            .filter((p) => typeof p['epoch'] === 'number' && Number.isFinite(p['epoch']))
            .map((p) => ({ key: 'epoch', value: p['epoch'] as number, step: Math.round(p['epoch'] as number), t: p.t }));
          if (epochs.length) await store.appendMetrics(id, epochs);
        },
      });
    } catch (e) {
      // The child is already running: measuring failing must not kill it.
      warn(`measurement could not start (${e instanceof Error ? e.message : String(e)}); the command runs unmeasured`);
    }
    let heartbeat: ReturnType<typeof setInterval> | null = null;
    if (session && ev.onSession) {
      const s = session;
      ev.onSession({
        pause: async () => {
          await s.pause();
          heartbeat ??= setInterval(() => void store.updateRun(id, { heartbeatAt: now() }).catch((e: unknown) => warn(`heartbeat failed: ${String(e)}`)), req.flushEveryS * 1000);
        },
        resume: () => {
          if (heartbeat) clearInterval(heartbeat);
          heartbeat = null;
          s.resume();
        },
        pausedS: () => s.pausedS(),
      });
    }
    const result = await child.result;
    if (heartbeat) clearInterval(heartbeat);
    if (session) {
      try {
        summary = await session.stop();
      } catch (e) {
        warn(`measurement could not finish (${e instanceof Error ? e.message : String(e)})`);
      }
    }
    return finish(result);
  }
  return finish(await child.result);

  async function finish(result: Meter.ChildResult): Promise<MeasureResult> {
    const endedAt = summary?.endedAt ?? now();
    const durationS = Math.max(0, (endedAt - startedAt) / 1000 - (summary?.pausedS ?? 0));
    const exitCode = meter.exitCodeFor(result);
    const components: ComponentEnergy[] = summary?.components ?? [];
    const allNotes = [...notes, ...(summary?.notes ?? [])];
    if (summary?.metrics?.invalid.count) {
      const first = summary.metrics.invalid.first.map((l) => `line ${l.line}: ${l.reason}`).join('; ');
      allNotes.push(`${summary.metrics.invalid.count} invalid line(s) in the metrics file were skipped (${first}).`);
    }
    for (const d of summary?.disabled ?? []) allNotes.push(`The ${d.sampler} sampler was switched off during the run: ${d.reason}.`);

    const embodied: EmbodiedShare[] = [];
    const defaults = embodiedDefaults();
    const lifetimeS = defaults.lifespanH.value * 3600;
    if (instance) {
      embodied.push(embodiedShare({ item: instance.id, totalG: instance.embodiedKg * 1000, lifetimeS, usedS: durationS, reservedShare: 1, source: `greenml catalog ${instance.id}` }));
    } else if (durationS > 0) {
      // A process reserves nothing on a shared machine: charge the server by the share of its CPU
      // capacity the run actually used (SCI's RR/ToR read as used/total), at least nothing, at most all.
      const cpuS = summary?.cpu.sampledCpuS ?? null;
      const share = cpuS !== null ? Math.min(1, Math.max(0, cpuS / (durationS * m.logicalCpus))) : 0;
      if (share > 0) {
        embodied.push(
          embodiedShare({
            item: `this machine (${m.logicalCpus} logical CPUs)`,
            totalG: defaults.serverKg.value * 1000,
            lifetimeS,
            usedS: durationS,
            reservedShare: share,
            source: `${defaults.serverKg.source}; share = CPU time used / CPU capacity`,
          }),
        );
      }
    }

    let intensity: Parameters<typeof computeFootprint>[0]['intensity'] = { kind: 'constant', factor: loc.intensity, resolution: loc.intensityResolution };
    let seriesZone: string | null = null;
    if (deps.intensitySeries && loc.intensityResolution !== 'user' && intervals.length > 0) {
      try {
        const series = await deps.intensitySeries(loc, startedAt, endedAt);
        if (series && series.points.length > 0) {
          intensity = { kind: 'series', points: series.points, intervals, source: series.source, fallback: loc.intensity };
          seriesZone = series.zone;
        }
      } catch (e) {
        warn(`no intensity series for the run (${e instanceof Error ? e.message : String(e)}); the annual average was used`);
      }
    }

    const computed = computeFootprint({ durationS, components, pue: loc.pue, intensity, embodied, price, notes: allNotes });
    // The zone lets a reader (the dashboard's run page) read the same series again instead of guessing it from the location.
    const footprint = seriesZone !== null && computed.intensityResolution === 'time-resolved' ? { ...computed, intensityZone: seriesZone } : computed;
    const byComponent = (c: string): number => components.filter((x) => x.component === c).reduce((a, x) => a + x.energyKwh, 0);
    const status: RunRecord['status'] = stoppedBy ? 'stopped-by-guard' : result.spawnError ? 'failed' : exitCode === 0 ? 'succeeded' : 'failed';
    const guardTrigger = (stoppedBy as GuardDecision | null)?.triggers[0];
    const statusReason = guardTrigger
      ? guardTrigger.message
      : result.spawnError
        ? `${result.spawnError.code}: ${result.spawnError.message}`
        : result.signal
          ? `killed by ${result.signal}`
          : null;
    run = await store.updateRun(id, {
      status,
      exitCode: result.exitCode,
      signal: result.signal,
      statusReason,
      endedAt,
      heartbeatAt: now(),
      durationS,
      cpuKwh: byComponent('cpu'),
      gpuKwh: byComponent('gpu'),
      memoryKwh: byComponent('memory'),
      energyKwh: footprint.energyKwh,
      operationalG: footprint.operationalG,
      embodiedG: footprint.embodiedG,
      totalG: footprint.totalG,
      costUsd: footprint.cost?.usd ?? null,
      intensityGPerKwh: footprint.intensity.value,
      footprint,
    });
    return { run, exitCode, equivalences: equivalencesFor(footprint.totalG, footprint.energyKwh), summary, prediction };
  }
}
