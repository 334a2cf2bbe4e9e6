/**
 * Grid carbon-intensity time series, the shape shared by intensity sources, the scheduler's search
 * and time-resolved emissions. A point holds for [t, t + durationS). Times are epoch milliseconds, UTC.
 */
export type IntensitySignal = 'average' | 'marginal';

export interface IntensityPoint {
  /** Start of the interval, epoch ms (UTC). */
  t: number;
  /** Length of the interval the value holds for, in seconds. */
  durationS: number;
  intensityGPerKwh: number;
}

export interface IntensitySeries {
  /** Zone or region the series describes, e.g. "DE", "GB", "gcp:europe-west4". */
  zone: string;
  signal: IntensitySignal;
  /** actual (measured or reported), forecast (issued ahead), or static (annual average repeated). */
  kind: 'actual' | 'forecast' | 'static';
  /** Citation of the provider or file the values came from. */
  source: string;
  points: IntensityPoint[];
}

const endOf = (p: IntensityPoint): number => p.t + p.durationS * 1000;

/** Index of the point covering time t (points sorted by t), or -1. Binary search. */
export function pointIndexAt(points: readonly IntensityPoint[], t: number): number {
  let lo = 0;
  let hi = points.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = points[mid] as IntensityPoint;
    if (t < p.t) hi = mid - 1;
    else if (t >= endOf(p)) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * Time-weighted mean intensity over [fromMs, toMs): each point weighs by its overlap with the
 * interval (the Carbon Aware SDK's rule). Returns null when the series does not cover the whole interval.
 */
export function meanIntensityOver(points: readonly IntensityPoint[], fromMs: number, toMs: number): number | null {
  if (!(toMs > fromMs)) return null;
  let i = pointIndexAt(points, fromMs);
  if (i < 0) return null;
  let covered = fromMs;
  let weighted = 0;
  while (covered < toMs) {
    const p = points[i];
    if (!p || p.t > covered) return null; // a gap in the series
    const end = Math.min(endOf(p), toMs);
    weighted += p.intensityGPerKwh * (end - covered);
    covered = end;
    i++;
  }
  return weighted / (toMs - fromMs);
}
