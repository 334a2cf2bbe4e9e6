/**
 * `greenml schedule`: plan a job into its lowest-carbon window(s) before a deadline and return the
 * job record to store. The search itself is core's (bestRegionWindow, with interruptible chunks);
 * this verb gathers what it needs: the forecast for each allowed region (schedule-forecast.ts says
 * which kind was used), the job's energy (from an earlier run, given, modeled from hardware, or
 * unknown, in which case every figure is per kWh), and the rule for when shifting is worth it.
 */
import {
  GreenmlError,
  bestRegionWindow,
  bestWindow,
  formatDurationS,
  type InterruptibleSpec,
  type JobPlan,
  type JobRecord,
  type JobWindow,
  type RegionOption,
  type RunRecord,
  type SchedulePlan,
  type WindowSpec,
} from '../core/index.js';
import type { IntensitySignal } from '../core/index.js';
import type { IntensitySource } from '../intensity/index.js';
import { estimate } from './estimate.js';
import { forecastFor, resolveScheduleRegion, type ForecastMethod, type RegionForecast, type ScheduleRegion } from './schedule-forecast.js';
import { isoUtc } from './schedule-time.js';

/**
 * Shift only when the plan is predicted to save at least this share of the immediate start's
 * emissions: forecasts miss by 10-25 % of the mean (MAE) while short windows gain 3-7 %, so a
 * smaller predicted saving is within the forecast's error (shared/research/scheduling.md §7.3,
 * which suggests 5 %). `--min-saving 0` shifts for any predicted gain.
 */
export const DEFAULT_MIN_SAVING_RATIO = 0.05;

export interface ScheduleRequest {
  /** The command to run; empty with fromRun takes the run's command. */
  command: string[];
  cwd?: string;
  project?: string;
  name?: string;
  /** Expected run time, s; fromRun gives it when absent. */
  durationS?: number;
  /** An earlier run of the same work: its duration, energy, command and location. */
  fromRun?: string;
  /** The job's energy, kWh (facility energy, PUE included). */
  energyKwh?: number;
  /** Hardware to model the energy from when neither fromRun nor energyKwh gives it. */
  hardware?: { instance?: string; gpu?: string; gpuCount?: number; pue?: number };
  /** The job may not start before this (default: now). */
  notBeforeMs?: number;
  deadlineMs: number;
  /** Allowed regions, the preferred (home) one first; fromRun's location when empty. */
  regions: string[];
  interruptible?: boolean;
  /** Shortest chunk worth resuming for, s (interruptible only; default 30 min, capped at the duration). */
  minChunkS?: number;
  /** Most pauses (interruptible only; default 3). */
  maxPauses?: number;
  /** Command that resumes from a checkpoint: the agent stops the job at a pause and runs this in the next window. */
  resumeCommand?: string[];
  /** When its agent is lost mid-run: fail (absent: the agent's policy, fail by default) or retry elsewhere. */
  onLost?: 'fail' | 'retry';
  /** Shift only for at least this predicted saving (0..1; default DEFAULT_MIN_SAVING_RATIO). */
  minSavingRatio?: number;
  env?: Record<string, string>;
  labels?: Record<string, string>;
  /** How to rebuild the intensity source later (the agent prices the counterfactual with it); kept on the plan as given. */
  sourceRef?: SourceRef;
}

/** Enough to build the same intensity source again: its id and the options that change the numbers. */
export interface SourceRef {
  id: string;
  /** For id "file": the files read, one per zone (absolute paths). */
  files?: Array<{ path: string; zone: string }>;
  format?: string;
  column?: string;
  signal?: string;
}

export interface ScheduleDeps {
  nowMs: number;
  /** The configured intensity source (a provider behind the store cache, a file, or the store). */
  source: IntensitySource;
  /** What the store holds (imports, cached fetches): history for a baseline forecast when the source has none. */
  stored?: IntensitySource | null;
  getRun?: (idOrPrefix: string) => Promise<RunRecord | null>;
  newJobId: () => string;
}

export type EnergyBasis = 'run' | 'given' | 'modeled' | 'unknown';

/** Progress kept on the job by the agent (the plan is the job's document, see ScheduledPlan). */
export interface JobProgress {
  /** Every run of the job, oldest first (several when a resume command restarts it). */
  runIds: string[];
  /** Run time so far, s, pauses excluded. */
  activeS: number;
  /** Where the latest segment runs, for messages about a lost agent. */
  host?: string;
  childPid?: number;
  notes: string[];
}

/** What the job emitted against what starting at once would have (schedule-outcome.ts). */
export interface JobOutcome {
  /** repriced-series: the run's measured energy profile priced at the times it ran and shifted to the immediate start; plan: the plan's mean intensities applied to the measured energy. */
  method: 'repriced-series' | 'plan';
  /** Citation of the intensity used. */
  source: string;
  energyKwh: number;
  actualG: number;
  immediateG: number;
  savedG: number;
  /** savedG / immediateG (0 when immediateG is 0). */
  savingRatio: number;
  actualGPerKwh: number;
  immediateGPerKwh: number;
  /** The immediate start the counterfactual was priced at, and the active run time laid from it. */
  immediateStartMs: number;
  activeS: number;
  runIds: string[];
  notes: string[];
}

/** The plan as a job keeps it: core's JobPlan fields plus everything a report shows later. */
export interface ScheduledPlan extends JobPlan {
  version: 1;
  /** now: start at once (nothing to gain, or less than the minimum saving). */
  strategy: 'contiguous' | 'interruptible' | 'now';
  zone: string;
  plannedAtMs: number;
  forecast: { method: ForecastMethod; source: string; signal: IntensitySignal };
  energy: { kwh: number | null; basis: EnergyBasis; detail: string };
  /** expectedG, immediateG and savingG are grams per kWh: the job's energy is unknown. */
  perKwh: boolean;
  expectedGPerKwh: number;
  immediateGPerKwh: number;
  savingRatio: number;
  minSavingRatio: number;
  /** The immediate start: [earliest start, + duration) in the home region. */
  immediate: JobWindow & { region: string };
  alternatives: RegionOption[];
  searchedUntilMs: number;
  notes: string[];
  sourceRef?: SourceRef;
  progress?: JobProgress;
  outcome?: JobOutcome;
}

export interface PlannedJob {
  job: JobRecord;
  plan: ScheduledPlan;
  /** Each region's forecast, in the order given (for a chart; not stored). */
  forecasts: RegionForecast[];
}

export const DEFAULT_MIN_CHUNK_S = 1800;
export const DEFAULT_MAX_PAUSES = 3;

/** The plan a job carries, or null for a job made elsewhere without one. */
export function scheduledPlanOf(job: JobRecord): ScheduledPlan | null {
  const p = job.plan as Partial<ScheduledPlan> | null;
  return p && p.version === 1 && Array.isArray(p.windows) ? (p as ScheduledPlan) : null;
}

function checkDeadline(durationS: number, earliestMs: number, deadlineMs: number): void {
  // Shown to the second, rounded up, so the suggested deadline is always late enough.
  const earliestFinish = Math.ceil((earliestMs + durationS * 1000) / 1000) * 1000;
  if (earliestMs + durationS * 1000 > deadlineMs) {
    throw new GreenmlError(
      'INFEASIBLE',
      `The deadline ${isoUtc(deadlineMs)} is too early: a ${formatDurationS(durationS)} job that starts at ${isoUtc(earliestMs)} finishes at ${isoUtc(earliestFinish)} at the earliest. ` +
        `Move the deadline to ${isoUtc(earliestFinish)} or later.`,
      { details: { earliestFinishMs: earliestFinish, deadlineMs } },
    );
  }
}

const positive = (x: number | undefined, what: string): void => {
  if (x !== undefined && !(Number.isFinite(x) && x > 0)) throw new GreenmlError('INVALID_INPUT', `${what} must be a positive number, got ${String(x)}.`);
};

interface Energy {
  kwh: number | null;
  basis: EnergyBasis;
  detail: string;
}

function energyOf(req: ScheduleRequest, run: RunRecord | null, durationS: number, home: ScheduleRegion): Energy {
  if (req.energyKwh !== undefined) return { kwh: req.energyKwh, basis: 'given', detail: 'given by the user' };
  if (run) return { kwh: run.energyKwh, basis: 'run', detail: `measured in run ${run.id} (${formatDurationS(run.durationS)})` };
  const hw = req.hardware;
  if (hw && (hw.instance || hw.gpu)) {
    const e = estimate({
      durationS,
      ...(hw.instance ? { instance: hw.instance } : {}),
      ...(hw.gpu ? { gpu: hw.gpu } : {}),
      ...(hw.gpuCount !== undefined ? { gpuCount: hw.gpuCount } : {}),
      ...(hw.pue !== undefined ? { pue: hw.pue } : {}),
      ...home.location,
      embodied: false,
    });
    const parts = [e.hardware.instance, e.hardware.gpu ? `${e.hardware.gpuCount} x ${e.hardware.gpu}` : null].filter(Boolean).join(', ');
    return { kwh: e.footprint.energyKwh, basis: 'modeled', detail: `modeled for ${parts} over ${formatDurationS(durationS)} (greenml estimate, PUE ${e.footprint.pue.value})` };
  }
  return { kwh: null, basis: 'unknown', detail: 'give --from-run, --energy or --instance/--gpu for grams; the figures are per kWh' };
}

const windowsOf = (plan: SchedulePlan): JobWindow[] => plan.chunks.map((c) => ({ startMs: Math.round(c.startMs), endMs: Math.round(c.endMs) }));

/** Plans a job; nothing is stored (the caller enqueues the returned record). */
export async function planJob(req: ScheduleRequest, deps: ScheduleDeps): Promise<PlannedJob> {
  const nowMs = Math.round(deps.nowMs);
  positive(req.durationS, 'The duration (s)');
  if (req.energyKwh !== undefined && !(Number.isFinite(req.energyKwh) && req.energyKwh >= 0)) {
    throw new GreenmlError('INVALID_INPUT', `The energy must be zero or more kWh, got ${String(req.energyKwh)}.`);
  }
  const minSavingRatio = req.minSavingRatio ?? DEFAULT_MIN_SAVING_RATIO;
  if (!(minSavingRatio >= 0 && minSavingRatio < 1)) throw new GreenmlError('INVALID_INPUT', `The minimum saving must be between 0 % and 100 %, got ${minSavingRatio * 100} %.`);

  let run: RunRecord | null = null;
  if (req.fromRun !== undefined) {
    if (!deps.getRun) throw new GreenmlError('INTERNAL', 'planJob needs getRun to read --from-run.');
    run = await deps.getRun(req.fromRun);
    if (!run) throw new GreenmlError('NOT_FOUND', `No run "${req.fromRun}". List runs with greenml runs list.`);
    if (run.status === 'running') throw new GreenmlError('INVALID_INPUT', `Run ${run.id} is still running: its duration and energy are not known yet. Use a finished run.`);
  }
  const durationS = req.durationS ?? (run ? Math.max(1, Math.round(run.durationS)) : undefined);
  if (durationS === undefined) throw new GreenmlError('INVALID_INPUT', 'Give the job\'s expected run time with --duration (e.g. 2h) or an earlier run with --from-run <id>.');
  const command = req.command.length > 0 ? req.command : (run?.command ?? []);
  if (command.length === 0 || !command[0]) throw new GreenmlError('INVALID_INPUT', 'No command to schedule: put it after --, e.g. greenml schedule --duration 2h --deadline +8h -- python train.py');

  const regionTexts = req.regions.length > 0 ? req.regions : run?.location?.region ? [run.location.region] : run?.location?.country ? [run.location.country] : [];
  if (regionTexts.length === 0) throw new GreenmlError('INVALID_INPUT', 'Give where the job may run: --region gcp:europe-west4 or a country code such as --region FR (or --regions a,b to choose among several).');
  const regions = regionTexts.map(resolveScheduleRegion);
  const seen = new Set<string>();
  for (const r of regions) {
    if (seen.has(r.region)) throw new GreenmlError('INVALID_INPUT', `Region ${r.region} is listed twice; list each allowed region once.`);
    seen.add(r.region);
  }
  const home = regions[0] as ScheduleRegion;

  const earliestMs = Math.max(nowMs, Math.round(req.notBeforeMs ?? nowMs));
  const deadlineMs = Math.round(req.deadlineMs);
  checkDeadline(durationS, earliestMs, deadlineMs);

  const interruptible = req.interruptible === true;
  if (!interruptible && (req.minChunkS !== undefined || req.maxPauses !== undefined || req.resumeCommand !== undefined)) {
    throw new GreenmlError('INVALID_INPUT', '--min-chunk, --max-pauses and --resume-command need --interruptible.');
  }
  const minChunkS = Math.min(req.minChunkS ?? DEFAULT_MIN_CHUNK_S, durationS);
  const maxPauses = req.maxPauses ?? DEFAULT_MAX_PAUSES;
  if (!(Number.isFinite(minChunkS) && minChunkS > 0)) throw new GreenmlError('INVALID_INPUT', `The minimum chunk must be a positive duration, got ${String(req.minChunkS)}.`);
  if (!(Number.isInteger(maxPauses) && maxPauses >= 0)) throw new GreenmlError('INVALID_INPUT', `--max-pauses must be a whole number, zero or more, got ${String(req.maxPauses)}.`);

  const energy = energyOf(req, run, durationS, home);
  const stored = deps.stored ?? null;
  const forecasts = await Promise.all(
    regions.map((region) => forecastFor({ region, nowMs, fromMs: earliestMs, toMs: deadlineMs, needMs: durationS * 1000 }, deps.source, stored)),
  );

  const energyKwh = energy.kwh ?? 1;
  const base: WindowSpec = { durationS, earliestStartMs: earliestMs, deadlineMs, energyKwh };
  const spec: WindowSpec | InterruptibleSpec = interruptible ? { ...base, minChunkS, maxPauses } : base;
  const series = forecasts.map((f) => ({ region: f.region, points: f.points, signal: f.signal }));
  const notes: string[] = [];
  for (const f of forecasts) for (const n of f.notes) notes.push(regions.length > 1 ? `${f.region}: ${n}` : n);
  let best: SchedulePlan & { alternatives?: RegionOption[] } = bestRegionWindow(series, spec);
  let strategy: ScheduledPlan['strategy'] = best.strategy;
  const shifted = best.startMs !== earliestMs || best.region !== home.region || best.pauses > 0;
  if (shifted && best.savingRatio < minSavingRatio) {
    notes.push(
      `The best plan would save ${(best.savingRatio * 100).toFixed(1)} %, under the ${(minSavingRatio * 100).toFixed(0)} % worth a shift (forecast error is of that order): the job starts at once in ${home.region}. ` +
        'Pass --min-saving 0 to shift for any predicted gain.',
    );
    const homeForecast = forecasts[0] as RegionForecast;
    best = { ...bestWindow(homeForecast.points, { durationS, earliestStartMs: earliestMs, deadlineMs: earliestMs + durationS * 1000, energyKwh }), region: home.region, alternatives: best.alternatives ?? [] };
    strategy = 'now';
  } else if (!shifted) strategy = 'now';
  const chosen = forecasts.find((f) => f.region === (best.region ?? home.region)) ?? (forecasts[0] as RegionForecast);
  if (forecasts.every((f) => f.method === 'static')) notes.push('Every allowed region has only its annual average: the plan starts at once (in the region with the lowest average).');

  const windows = windowsOf(best);
  const first = windows[0] as JobWindow;
  const labels = { ...(req.labels ?? {}) };
  // A job placed in another region needs an agent there: agents in a region carry region=<id>.
  if (regions.length > 1) labels['region'] = chosen.region;

  const plan: ScheduledPlan = {
    version: 1,
    region: chosen.region,
    windows,
    expectedG: best.co2eG,
    immediateG: best.baseline.co2eG,
    savingG: best.savedCo2eG,
    forecastSource: chosen.source,
    strategy,
    zone: chosen.zone,
    plannedAtMs: nowMs,
    forecast: { method: chosen.method, source: chosen.source, signal: chosen.signal },
    energy,
    perKwh: energy.kwh === null,
    expectedGPerKwh: best.meanIntensityGPerKwh,
    immediateGPerKwh: best.baseline.meanIntensityGPerKwh,
    savingRatio: best.savingRatio,
    minSavingRatio,
    immediate: { startMs: best.baseline.startMs, endMs: best.baseline.endMs, region: home.region },
    alternatives: best.alternatives ?? [],
    searchedUntilMs: best.searchedUntilMs,
    notes,
    ...(req.sourceRef ? { sourceRef: req.sourceRef } : {}),
  };
  const job: JobRecord = {
    id: deps.newJobId(),
    project: req.project ?? run?.project ?? 'default',
    name: req.name ?? run?.name ?? null,
    command,
    // Re-running an earlier run's command: in its own directory.
    cwd: req.command.length > 0 ? (req.cwd ?? null) : (run?.cwd ?? req.cwd ?? null),
    env: { ...(req.env ?? {}) },
    spec: {
      durationS,
      earliestStartMs: earliestMs,
      deadlineMs,
      regions: regions.map((r) => r.region),
      interruptible,
      minChunkS: interruptible ? minChunkS : 0,
      maxPauses: interruptible ? maxPauses : 0,
      ...(req.resumeCommand ? { resumeCommand: req.resumeCommand } : {}),
      ...(req.onLost ? { onLost: req.onLost } : {}),
    },
    plan,
    labels,
    state: 'pending',
    dueAtMs: first.startMs,
    runId: null,
    agentId: null,
    leaseUntilMs: null,
    attempts: 0,
    error: null,
    createdAt: nowMs,
    updatedAt: nowMs,
    startedAt: null,
    endedAt: null,
  };
  return { job, plan, forecasts };
}
