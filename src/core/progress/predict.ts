/**
 * Predicts a running job's total time, energy, emissions and cost from its progress so far, with a
 * range. Carbontracker (carbontracker/predictor.py, 2023) multiplies the mean epoch by the epoch
 * count; this generalises it to any progress signal and makes it robust:
 *
 * 1. Rate. Only the recent half of the progress (fraction >= f/2, plus the point before it) is used,
 *    so a slow start (imports, compilation, cache warm-up) stops weighing on the estimate once the
 *    job is past twice its length. The rate is the window's progress over its time, leaving out
 *    one step that is far out (Tukey's fence, Q3 + 3 x IQR of the time per unit of progress, and
 *    at least twice the median) when
 *    it is the only one: a single checkpoint or hiccup is a one-off, while two or more are a
 *    pattern (an evaluation every N steps) that the rest of the job will repeat, so they count.
 * 2. Range, on the rate, widest of: (a) drift, the 10th and 90th percentiles of the slopes between
 *    window points at least a quarter of the window apart; (b) noise, an 80 % normal band for the
 *    remaining time if step times are independent: 1.2816 x relative s.d. of the time per unit of
 *    progress x sqrt(1/k + 1/m) for k steps seen in the window and m steps left; (c) a floor of
 *    PACE_CHANGE_FLOOR x the share left, since the rest of a job may not run like its recent part;
 *    (d) with fewer than 4 points, a factor LOW_DATA_RATE_FACTOR either way.
 * 3. Stall. No progress for max(minStallS, stallFactor x the median gap between progress steps) is a
 *    stall: the central estimate then counts the stall as part of the pace (the rate from the window
 *    start to now), the low end assumes work resumes now at the best recent pace, and there is no
 *    upper bound (high = null) instead of a silent infinity.
 * 4. Energy. Remaining time x the recent power (energy over the steps the pace was taken on, to
 *    now; over the whole window during a stall); emissions and cost
 *    follow from the intensity and prices given for the rest of the run.
 * Assumptions: the rest of the job runs at the recent pace and power; progress is proportional to
 * work (an evaluation pass at the end that the bar does not count is not foreseen).
 */
import { JOULES_PER_KWH } from '../units.js';
import { evenSubset, median, pairwiseSlopes, quantile, type XY } from './stats.js';
import type { ProgressPoint } from './trace.js';

export interface Estimate {
  central: number;
  low: number;
  /** null: no upper bound (progress has stalled). */
  high: number | null;
}

export type PredictionStatus = 'ok' | 'stalled' | 'done' | 'insufficient-data';

export interface RunPrediction {
  status: PredictionStatus;
  /** Latest share of the job done, 0..1. */
  fraction: number;
  atMs: number;
  elapsedS: number;
  /** Seconds since the fraction last increased. */
  sinceProgressS: number;
  remainingS: Estimate | null;
  durationS: Estimate | null;
  energyKwh: Estimate | null;
  co2eG: Estimate | null;
  costUsd: Estimate | null;
  /** Share of the job per second. */
  progressPerS: Estimate | null;
  /** Recent mean power behind the energy estimate, W. */
  powerW: number | null;
  /** The amounts so far, for comparison with the totals. */
  actual: { energyKwh: number; co2eG: number | null; costUsd: number | null };
  /** Progress points the rate was fitted on. */
  pointsUsed: number;
  notes: string[];
}

export interface PredictInput {
  trace: readonly ProgressPoint[];
  /**
   * Start of the run: the trace's origin (fraction 0, energy 0) when its first point is later and
   * above 0. After a restart (ProgressTrace.restarts > 0) the new bar usually begins at 0 %, which
   * then serves as the origin instead.
   */
  startedMs: number;
  nowMs: number;
  /** Cumulative energy now, kWh. */
  energyKwh: number;
  /** Emissions so far, g; defaults to energy x intensity. */
  co2eG?: number;
  /** Intensity for the rest of the run (forecast or current), gCO2e/kWh. */
  intensityGPerKwh?: number;
  /** Cost so far, USD; defaults to the rates below applied to the time and energy so far. */
  costUsd?: number;
  costUsdPerHour?: number;
  priceUsdPerKwh?: number;
}

export interface PredictOptions {
  /** Share of the progress so far that the rate is fitted on (most recent part). */
  windowShare?: number;
  /** Shortest silence that counts as a stall, s. */
  minStallS?: number;
  /** A stall is this many typical gaps between progress steps without progress. */
  stallFactor?: number;
}

/** greenml defaults (2026): recent half of the progress; a stall is 3 typical gaps and at least 60 s. */
export const PREDICT_DEFAULTS: Required<PredictOptions> = { windowShare: 0.5, minStallS: 60, stallFactor: 3 };
/** Rate uncertainty assumed with fewer than 4 progress points (greenml heuristic, 2026): x/÷ 1.5. */
export const LOW_DATA_RATE_FACTOR = 1.5;
/** Smallest rate uncertainty: 10 % of the share left (greenml heuristic, 2026), e.g. ±9 % at 10 % done. */
export const PACE_CHANGE_FLOOR = 0.1;
/** Rate range from the 10th to the 90th percentile of long-baseline slopes (an ~80 % band, as AWS forecasts). */
const RATE_QUANTILES = [0.1, 0.9] as const;
/** Tukey's "far out" fence (Tukey 1977, Exploratory Data Analysis): Q3 + 3 x IQR. */
const FAR_OUT_IQR = 3;
/** Steps needed in the window before one may be called far out (greenml, 2026). */
const MIN_STEPS_FOR_OUTLIER = 8;
/** A far-out step also takes at least this many times the median step (greenml, 2026), so that
 * identical steps with rounding noise (IQR ~ 0) are never outliers. */
const FAR_OUT_MIN_RATIO = 2;
/** Two-sided 80 % quantile of the standard normal distribution (z_0.9 = 1.2816). */
const Z_80 = 1.2816;
/** Points fed to the O(n^2) slope estimators (greenml, 2026): 64 points = 2,016 pairs. */
const MAX_FIT_POINTS = 64;

const mapEstimate = (e: Estimate, f: (x: number) => number): Estimate => ({ central: f(e.central), low: f(e.low), high: e.high === null ? null : f(e.high) });

function cleanTrace(input: PredictInput): ProgressPoint[] {
  const pts = input.trace
    .filter((p) => Number.isFinite(p.t) && Number.isFinite(p.fraction) && Number.isFinite(p.energyKwh) && p.t <= input.nowMs && p.fraction >= 0 && p.fraction <= 1)
    .sort((a, b) => a.t - b.t);
  const first = pts[0];
  if (first && first.fraction > 0 && first.t > input.startedMs) pts.unshift({ t: input.startedMs, fraction: 0, energyKwh: 0 });
  // Keep the first time each share was reached: later repeats only say that time passed.
  const out: ProgressPoint[] = [];
  for (const p of pts) {
    const last = out[out.length - 1];
    if (!last || p.fraction > last.fraction) out.push(p);
  }
  return out;
}

export function predictRun(input: PredictInput, options: PredictOptions = {}): RunPrediction {
  const opt = { ...PREDICT_DEFAULTS, ...options };
  const nowMs = input.nowMs;
  const elapsedS = Math.max(0, (nowMs - input.startedMs) / 1000);
  const energyNow = Math.max(0, input.energyKwh);
  const intensity = input.intensityGPerKwh;
  const co2eNow = input.co2eG ?? (intensity === undefined ? null : energyNow * intensity);
  const hasCost = input.costUsd !== undefined || input.costUsdPerHour !== undefined || input.priceUsdPerKwh !== undefined;
  const costNow = !hasCost ? null : (input.costUsd ?? ((input.costUsdPerHour ?? 0) * elapsedS) / 3600 + (input.priceUsdPerKwh ?? 0) * energyNow);
  const actual = { energyKwh: energyNow, co2eG: co2eNow, costUsd: costNow };

  const pts = cleanTrace(input);
  const last = pts[pts.length - 1];
  const fraction = last?.fraction ?? 0;
  const sinceProgressS = last ? Math.max(0, (nowMs - last.t) / 1000) : elapsedS;
  const base: RunPrediction = {
    status: 'insufficient-data',
    fraction,
    atMs: nowMs,
    elapsedS,
    sinceProgressS,
    remainingS: null,
    durationS: null,
    energyKwh: null,
    co2eG: null,
    costUsd: null,
    progressPerS: null,
    powerW: elapsedS > 0 ? (energyNow * JOULES_PER_KWH) / elapsedS : null,
    actual,
    pointsUsed: 0,
    notes: [],
  };

  const exact = (x: number): Estimate => ({ central: x, low: x, high: x });
  if (fraction >= 1) {
    return {
      ...base,
      status: 'done',
      remainingS: exact(0),
      durationS: exact(elapsedS),
      energyKwh: exact(energyNow),
      co2eG: co2eNow === null ? null : exact(co2eNow),
      costUsd: costNow === null ? null : exact(costNow),
    };
  }
  if (!last || pts.length < 2 || fraction <= 0 || last.t <= (pts[0] as ProgressPoint).t) {
    return { ...base, notes: ['Not enough progress yet to predict: wait for the first progress report after the start.'] };
  }

  // 1. The window: the recent share of the progress, plus the point just before it.
  const fLo = fraction * (1 - opt.windowShare);
  let startIdx = pts.findIndex((p) => p.fraction >= fLo);
  startIdx = Math.max(0, startIdx - 1);
  let window = pts.slice(startIdx);
  if (window.length < 2) window = pts;
  const anchor = window[0] as ProgressPoint;
  const xy: XY[] = evenSubset(window, MAX_FIT_POINTS).map((p) => ({ x: (p.t - anchor.t) / 1000, y: p.fraction }));
  const spanS = (last.t - anchor.t) / 1000;

  // 2. Rate and its range.
  const rest = 1 - fraction;
  const notes: string[] = [];
  const steps: { dS: number; dF: number; dKwh: number }[] = [];
  for (let i = 1; i < window.length; i++) {
    const a = window[i - 1] as ProgressPoint;
    const b = window[i] as ProgressPoint;
    steps.push({ dS: (b.t - a.t) / 1000, dF: b.fraction - a.fraction, dKwh: b.energyKwh - a.energyKwh });
  }
  let kept = steps;
  if (steps.length >= MIN_STEPS_FOR_OUTLIER) {
    const perUnit = steps.map((s) => s.dS / s.dF);
    const q1 = quantile(perUnit, 0.25);
    const q3 = quantile(perUnit, 0.75);
    const fence = Math.max(q3 + FAR_OUT_IQR * (q3 - q1), FAR_OUT_MIN_RATIO * median(perUnit));
    const far = steps.filter((s) => s.dS / s.dF > fence);
    if (far.length === 1) {
      kept = steps.filter((s) => s !== far[0]);
      notes.push(`One step took ${(far[0] as { dS: number }).dS.toPrecision(3)} s, far longer than the others: treated as a one-off and left out of the pace.`);
    }
  }
  const rate = kept.reduce((x, s) => x + s.dF, 0) / kept.reduce((x, s) => x + s.dS, 0);
  let u = PACE_CHANGE_FLOOR * rest;
  if (kept.length >= 2) {
    const perUnit = kept.map((s) => s.dS / s.dF);
    const mean = perUnit.reduce((x, y) => x + y, 0) / perUnit.length;
    const sd = Math.sqrt(perUnit.reduce((x, y) => x + (y - mean) ** 2, 0) / (perUnit.length - 1));
    const meanStep = kept.reduce((x, s) => x + s.dF, 0) / kept.length;
    const left = Math.max(1, rest / meanStep);
    if (mean > 0) u = Math.max(u, Z_80 * (sd / mean) * Math.sqrt(1 / kept.length + 1 / left));
  }
  if (window.length < 4) {
    u = Math.max(u, LOW_DATA_RATE_FACTOR - 1);
    notes.push(`Few progress points (${window.length}): the range assumes the pace may differ by x${LOW_DATA_RATE_FACTOR} either way.`);
  }
  let rateLow = rate / (1 + u);
  let rateHigh = rate * (1 + u);
  const longSlopes = pairwiseSlopes(xy, spanS / 4);
  if (window.length >= 4 && longSlopes.length >= 3) {
    rateLow = Math.min(rateLow, quantile(longSlopes, RATE_QUANTILES[0]));
    rateHigh = Math.max(rateHigh, quantile(longSlopes, RATE_QUANTILES[1]));
  }
  if (!(rate > 0)) return { ...base, notes: ['Progress has not moved over the recent window: no pace to extrapolate.'] };

  // 3. Stall detection.
  const gapsS: number[] = [];
  for (let i = 1; i < window.length; i++) gapsS.push(((window[i] as ProgressPoint).t - (window[i - 1] as ProgressPoint).t) / 1000);
  const stallAfterS = Math.max(opt.minStallS, opt.stallFactor * median(gapsS));
  const stalled = sinceProgressS > stallAfterS;

  let remainingS: Estimate;
  let progressPerS: Estimate;
  let status: PredictionStatus = 'ok';
  if (stalled) {
    status = 'stalled';
    const paceWithStall = (fraction - anchor.fraction) / ((nowMs - anchor.t) / 1000);
    remainingS = { central: rest / paceWithStall, low: rest / rateHigh, high: null };
    progressPerS = { central: paceWithStall, low: 0, high: rateHigh };
    notes.push(
      `No progress for ${Math.round(sinceProgressS)} s (more than ${Math.round(stallAfterS)} s): stalled. The central figure counts the stall in the pace; there is no upper bound until progress resumes.`,
    );
  } else {
    // Work on the rest began at the last progress step, so the time since then is already spent on it.
    const from = (r: number): number => Math.max(0, rest / r - sinceProgressS);
    remainingS = { central: from(rate), low: from(rateHigh), high: rateLow > 0 ? from(rateLow) : null };
    progressPerS = { central: rate, low: Math.max(0, rateLow), high: rateHigh };
  }

  // 4. Energy, emissions, cost. Power over the same steps as the pace (and the time since the last
  // step); during a stall, over the window to now, as the central estimate counts the stall too.
  const tailS = (nowMs - last.t) / 1000;
  const tailKwh = energyNow - last.energyKwh;
  const paceS = kept.reduce((x, s) => x + s.dS, 0) + tailS;
  const paceKwh = kept.reduce((x, s) => x + s.dKwh, 0) + tailKwh;
  const windowS = stalled ? (nowMs - anchor.t) / 1000 : paceS;
  const windowKwh = stalled ? energyNow - anchor.energyKwh : paceKwh;
  const powerW = windowS > 0 && windowKwh >= 0 ? (windowKwh * JOULES_PER_KWH) / windowS : base.powerW;
  const kwhPerS = (powerW ?? 0) / JOULES_PER_KWH;
  const energyKwh = mapEstimate(remainingS, (s) => energyNow + kwhPerS * s);
  const co2eG = intensity === undefined || co2eNow === null ? null : mapEstimate(remainingS, (s) => co2eNow + intensity * kwhPerS * s);
  const costUsd =
    costNow === null
      ? null
      : mapEstimate(remainingS, (s) => costNow + ((input.costUsdPerHour ?? 0) * s) / 3600 + (input.priceUsdPerKwh ?? 0) * kwhPerS * s);

  return {
    ...base,
    status,
    remainingS,
    durationS: mapEstimate(remainingS, (s) => elapsedS + s),
    energyKwh,
    co2eG,
    costUsd,
    progressPerS,
    powerW,
    pointsUsed: window.length,
    notes,
  };
}
