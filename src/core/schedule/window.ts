/**
 * The best contiguous window: the start s in [earliest, deadline - D] that minimises the
 * time-weighted mean intensity over [s, s + D), on a series of any step (irregular steps and gaps
 * allowed), in time linear in the number of points the window range touches.
 *
 * Why a finite set of candidate starts is enough. The series is piecewise constant, so the
 * integral F(s) = ∫[s, s+D) f is piecewise linear in s: its slope f(s+D) - f(s) changes only
 * where the start s or the end s + D crosses a point boundary b. A piecewise-linear function on
 * the closed interval [lo, hi] of feasible starts reaches its minimum at a breakpoint or at an end
 * of the interval, so the candidates are
 *   - s = b          (the window starts at a boundary),
 *   - s = b - D      (the window ends at a boundary; needed whenever D is not a whole number of
 *                     steps, e.g. [5, 1, 10] hourly and D = 1.5 h is best at 0.5 h, ending at 2 h),
 *   - s = lo         (the earliest start: "now", possibly mid-slot), and
 *   - s = hi         (deadline - D).
 * The earliest minimiser is also among them: the set of minimisers is a union of closed intervals,
 * and the left end of each is either lo or a breakpoint (F cannot be flat to the left of a point
 * where it does not change slope unless the flat part continues). So scanning the candidates in
 * increasing order and keeping only strict improvements gives the earliest best start.
 *
 * Cost: the candidates are two sorted lists (boundaries, boundaries - D) merged on the fly; F at
 * each candidate comes from a running integral G(x) = ∫[origin, x) f read by two cursors (one at s,
 * one at s + D) that only move forward. Each cursor passes each point once: O(m) for the m points
 * overlapping [earliest, deadline], after an O(log n) binary search for the first of them.
 */
import { meanIntensityOver, type IntensityPoint } from '../series.js';
import { checkSpec, endOf, notCovered, runsOver, type Run } from './coverage.js';
import { makePlan, type Baseline } from './plan.js';
import type { SchedulePlan, WindowSpec } from './types.js';
import { formatDurationS } from '../format.js';

/** Means closer than this (relative) are a tie; the running integral carries rounding of ~1e-12. */
export const TIE_TOLERANCE = 1e-9;

export const isBetter = (candidate: number, best: number): boolean => candidate < best - TIE_TOLERANCE * Math.max(1, Math.abs(best));

export interface ContiguousBest {
  startMs: number;
  meanIntensityGPerKwh: number;
}

/**
 * Scans one gap-free run: candidates in increasing order (lo, the merged boundary lists, hi), each
 * evaluated from two forward-only cursors over the running integral (written out inline: this is
 * the hot loop of every plan).
 */
function bestInRun(points: readonly IntensityPoint[], run: Run, lo: number, hi: number, durationMs: number, best: ContiguousBest | null): ContiguousBest | null {
  const { first, last } = run;
  const runEnd = endOf(points[last] as IntensityPoint);
  const boundary = (j: number): number => (j <= last ? (points[j] as IntensityPoint).t : runEnd);
  let ks = first; // start cursor: point holding s, and the integral up to its start
  let accS = 0;
  let ke = first; // end cursor: point holding s + D
  let accE = 0;
  let ia = first; // next boundary to try as a start
  let ib = first; // next boundary to try as an end
  let previous = -Infinity;
  let phase = 0; // 0: lo, 1: merged boundaries, 2: hi
  let s = lo;
  for (;;) {
    if (s > previous && s >= lo && s <= hi) {
      previous = s;
      let p = points[ks] as IntensityPoint;
      while (ks < last && endOf(p) <= s) {
        accS += p.intensityGPerKwh * (endOf(p) - p.t);
        p = points[++ks] as IntensityPoint;
      }
      const atStart = accS + p.intensityGPerKwh * (s - p.t);
      const e = s + durationMs;
      let q = points[ke] as IntensityPoint;
      while (ke < last && endOf(q) <= e) {
        accE += q.intensityGPerKwh * (endOf(q) - q.t);
        q = points[++ke] as IntensityPoint;
      }
      const mean = (accE + q.intensityGPerKwh * (e - q.t) - atStart) / durationMs;
      if (best === null || isBetter(mean, best.meanIntensityGPerKwh)) best = { startMs: s, meanIntensityGPerKwh: mean };
    }
    if (phase === 2) return best;
    phase = 1;
    const a = ia <= last + 1 ? boundary(ia) : Infinity;
    const b = ib <= last + 1 ? boundary(ib) - durationMs : Infinity;
    if (Math.min(a, b) <= hi) {
      if (a <= b) {
        s = a;
        ia++;
      } else {
        s = b;
        ib++;
      }
    } else {
      phase = 2;
      s = hi;
    }
  }
}

/**
 * The earliest start with the lowest mean over [s, s + D) for s in [earliestMs, deadlineMs - D],
 * counting only windows the series covers without a gap; null when none is covered.
 */
export function searchContiguous(
  points: readonly IntensityPoint[],
  earliestMs: number,
  deadlineMs: number,
  durationMs: number,
): { best: ContiguousBest | null; searchedUntilMs: number } {
  const runs = runsOver(points, earliestMs, deadlineMs);
  let best: ContiguousBest | null = null;
  for (const run of runs) {
    const lo = Math.max(earliestMs, run.startMs);
    const hi = Math.min(deadlineMs, run.endMs) - durationMs;
    if (lo <= hi) best = bestInRun(points, run, lo, hi, durationMs, best);
  }
  const lastRun = runs[runs.length - 1];
  return { best, searchedUntilMs: lastRun ? Math.min(deadlineMs, lastRun.endMs) : earliestMs };
}

/** The unshifted run the saving is measured against; its span must be covered. */
export function baselineOf(points: readonly IntensityPoint[], spec: WindowSpec, region?: string): Baseline {
  const startMs = spec.nominalStartMs ?? spec.earliestStartMs;
  const endMs = startMs + spec.durationS * 1000;
  const mean = meanIntensityOver(points, startMs, endMs);
  if (mean === null) throw notCovered(points, startMs, endMs, 'the unshifted run the saving is measured against');
  return { startMs, endMs, meanIntensityGPerKwh: mean, ...(region === undefined ? {} : { region }) };
}

export function noWindow(points: readonly IntensityPoint[], spec: WindowSpec): Error {
  return notCovered(points, spec.earliestStartMs, spec.deadlineMs, `any gap-free ${formatDurationS(spec.durationS)} window between the earliest start and the deadline`);
}

/**
 * The cleanest contiguous window of spec.durationS with start >= earliestStartMs and
 * end <= deadlineMs; ties go to the earliest start. Throws INFEASIBLE when the deadline is too
 * early (naming the earliest possible finish) or the series does not cover what is needed (naming
 * what it covers).
 */
export function bestWindow(points: readonly IntensityPoint[], spec: WindowSpec): SchedulePlan {
  checkSpec(spec);
  const baseline = baselineOf(points, spec);
  const durationMs = spec.durationS * 1000;
  const { best, searchedUntilMs } = searchContiguous(points, spec.earliestStartMs, spec.deadlineMs, durationMs);
  if (!best) throw noWindow(points, spec);
  return makePlan({
    strategy: 'contiguous',
    chunks: [[best.startMs, best.startMs + durationMs]],
    points,
    baseline,
    energyKwh: spec.energyKwh ?? 1,
    searchedUntilMs,
  });
}
