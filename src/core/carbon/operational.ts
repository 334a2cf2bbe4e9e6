/**
 * Operational emissions: energy x grid carbon intensity, time-resolved when a series is given
 * (carbontracker issues #7 and #15 asked for exactly this; a 10-hour run crosses very different
 * grid hours). SCI's O = E x I, location-based.
 */
import { GreenmlError } from '../errors.js';
import type { IntensityPoint } from '../series.js';
import { requireFinite, requireNonNegative } from '../energy/validate.js';

export interface EnergyInterval {
  startMs: number;
  endMs: number;
  /** Energy used in [startMs, endMs), kWh. Spread evenly over the interval. */
  energyKwh: number;
}

export interface OperationalEmissions {
  co2eG: number;
  /**
   * Energy-weighted mean intensity applied, g/kWh (covered and fallback parts together). When the
   * intervals hold no energy, the time-weighted mean over them instead, so the figure stays meaningful.
   */
  meanIntensityGPerKwh: number;
  /** Share of the energy (of the time, when there is no energy) that the series covered, 0..1. */
  coveredShare: number;
  energyKwh: number;
  /** Energy no series point covered. Charged at the fallback when one was given, else not in co2eG. */
  uncoveredKwh: number;
}

export interface OperationalOptions {
  /** Intensity for the parts the series does not cover (e.g. the zone's annual average), g/kWh. */
  fallbackGPerKwh?: number;
  /**
   * Without a fallback an uncovered part is an error, because leaving it out would silently
   * under-report. Set this to get the partial figure with `uncoveredKwh` and `coveredShare` instead.
   */
  allowUncovered?: boolean;
}

export function co2eGFromKwh(energyKwh: number, intensityGPerKwh: number): number {
  return energyKwh * intensityGPerKwh;
}

const endOf = (p: IntensityPoint): number => p.t + p.durationS * 1000;

function checkSeries(points: readonly IntensityPoint[]): void {
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as IntensityPoint;
    requireFinite(p.t, `Intensity point ${i} time`);
    requireNonNegative(p.durationS, `Intensity point ${i} duration (s)`);
    requireNonNegative(p.intensityGPerKwh, `Intensity point ${i} (gCO2e/kWh)`);
    if (i > 0 && p.t < endOf(points[i - 1] as IntensityPoint)) {
      throw new GreenmlError('INVALID_INPUT', `Intensity points must be sorted by time without overlaps: point ${i} starts before point ${i - 1} ends.`);
    }
  }
}

/** First index whose point ends after t (points sorted, non-overlapping). */
function firstEndingAfter(points: readonly IntensityPoint[], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (endOf(points[mid] as IntensityPoint) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));

/**
 * Sum over intervals of kWh x intensity of the time it was used. An interval that spans several
 * points splits its energy by time overlap; an instant (endMs = startMs) takes the point covering it.
 */
export function operationalEmissionsG(
  intervals: readonly EnergyInterval[],
  intensity: readonly IntensityPoint[] | number,
  options: OperationalOptions = {},
): OperationalEmissions {
  let energyKwh = 0;
  for (const [i, iv] of intervals.entries()) {
    requireNonNegative(iv.energyKwh, `Interval ${i} energy (kWh)`);
    requireFinite(iv.startMs, `Interval ${i} start`);
    requireFinite(iv.endMs, `Interval ${i} end`);
    if (iv.endMs < iv.startMs) throw new GreenmlError('INVALID_INPUT', `Interval ${i} ends (${iso(iv.endMs)}) before it starts (${iso(iv.startMs)}).`);
    energyKwh += iv.energyKwh;
  }

  if (typeof intensity === 'number') {
    requireNonNegative(intensity, 'Carbon intensity (gCO2e/kWh)');
    return { co2eG: energyKwh * intensity, meanIntensityGPerKwh: intensity, coveredShare: 1, energyKwh, uncoveredKwh: 0 };
  }

  const fallback = options.fallbackGPerKwh;
  if (fallback !== undefined) requireNonNegative(fallback, 'Fallback carbon intensity (gCO2e/kWh)');
  checkSeries(intensity);

  let coveredG = 0;
  let coveredKwh = 0;
  let timeMs = 0;
  let coveredTimeMs = 0;
  let timeWeighted = 0;
  for (const iv of intervals) {
    const span = iv.endMs - iv.startMs;
    if (span === 0) {
      const p = intensity[firstEndingAfter(intensity, iv.startMs)];
      if (p && p.t <= iv.startMs) {
        coveredG += iv.energyKwh * p.intensityGPerKwh;
        coveredKwh += iv.energyKwh;
      }
      continue;
    }
    timeMs += span;
    let ivCoveredKwh = 0;
    for (let k = firstEndingAfter(intensity, iv.startMs); k < intensity.length; k++) {
      const p = intensity[k] as IntensityPoint;
      if (p.t >= iv.endMs) break;
      const overlapMs = Math.min(endOf(p), iv.endMs) - Math.max(p.t, iv.startMs);
      if (overlapMs <= 0) continue;
      const kwh = (iv.energyKwh * overlapMs) / span;
      coveredG += kwh * p.intensityGPerKwh;
      ivCoveredKwh += kwh;
      coveredTimeMs += overlapMs;
      timeWeighted += overlapMs * p.intensityGPerKwh;
    }
    coveredKwh += ivCoveredKwh;
  }

  // Relative tolerance: the overlap split must not turn rounding into "uncovered" energy.
  const uncoveredRaw = energyKwh - coveredKwh;
  const uncoveredKwh = uncoveredRaw > energyKwh * 1e-12 ? uncoveredRaw : 0;
  const coveredShare = energyKwh > 0 ? (energyKwh - uncoveredKwh) / energyKwh : timeMs > 0 ? coveredTimeMs / timeMs : 1;

  if (uncoveredKwh > 0 && fallback === undefined && !options.allowUncovered) {
    const first = intervals[0];
    const last = intervals[intervals.length - 1];
    throw new GreenmlError(
      'INVALID_INPUT',
      `The carbon-intensity series covers only ${(coveredShare * 100).toFixed(1)} % of the energy used between ${iso(first?.startMs ?? Number.NaN)} and ${iso(last?.endMs ?? Number.NaN)}: ` +
        'give a fallback intensity (e.g. the zone annual average) or a series that covers the whole run.',
      { details: { coveredShare, uncoveredKwh } },
    );
  }

  const co2eG = coveredG + (fallback !== undefined ? uncoveredKwh * fallback : 0);
  const chargedKwh = energyKwh - (fallback !== undefined ? 0 : uncoveredKwh);
  let meanIntensityGPerKwh: number;
  if (chargedKwh > 0) meanIntensityGPerKwh = co2eG / chargedKwh;
  else if (coveredTimeMs > 0) {
    const uncoveredTime = timeMs - coveredTimeMs;
    meanIntensityGPerKwh = fallback !== undefined ? (timeWeighted + uncoveredTime * fallback) / timeMs : timeWeighted / coveredTimeMs;
  } else meanIntensityGPerKwh = fallback ?? Number.NaN;

  return { co2eG, meanIntensityGPerKwh, coveredShare, energyKwh, uncoveredKwh };
}
