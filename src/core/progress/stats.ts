/** Small robust statistics for progress traces: median, quantiles and the Theil-Sen slope. */

/** Linear-interpolated quantile (type 7, the R and NumPy default) of a non-empty list. */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const pos = (s.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** Evenly spaced subset of at most `max` items, always keeping the first and the last. */
export function evenSubset<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.round((i * (items.length - 1)) / (max - 1))] as T);
  return out;
}

export interface XY {
  x: number;
  y: number;
}

/** Slopes between every pair of points at least `minDx` apart in x. */
export function pairwiseSlopes(points: readonly XY[], minDx = 0): number[] {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const a = points[i] as XY;
      const b = points[j] as XY;
      const dx = b.x - a.x;
      if (dx > 0 && dx >= minDx) slopes.push((b.y - a.y) / dx);
    }
  }
  return slopes;
}

/**
 * Theil-Sen estimator (Theil 1950, Sen 1968): the median of pairwise slopes. It ignores up to ~29 %
 * of outlying points, so a burst or a pause in progress does not swing the rate.
 */
export function theilSenSlope(points: readonly XY[]): number {
  const slopes = pairwiseSlopes(points);
  return slopes.length === 0 ? Number.NaN : median(slopes);
}
