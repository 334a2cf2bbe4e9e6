/**
 * The part of a series a search looks at, split into gap-free runs, and the checks and messages
 * shared by the searches: a spec that cannot be met, a series that does not cover what is needed.
 */
import { GreenmlError } from '../errors.js';
import { formatDurationS } from '../format.js';
import type { IntensityPoint } from '../series.js';
import type { WindowSpec } from './types.js';

/** A gap-free stretch of points [first, last] covering [startMs, endMs). */
export interface Run {
  first: number;
  last: number;
  startMs: number;
  endMs: number;
}

export const endOf = (p: IntensityPoint): number => p.t + p.durationS * 1000;
export const iso = (ms: number): string => new Date(ms).toISOString().replace(':00.000Z', 'Z').replace('.000Z', 'Z');

export function requireTime(ms: number, what: string): void {
  if (!Number.isFinite(ms)) throw new GreenmlError('INVALID_INPUT', `${what} must be a time (epoch ms), got ${String(ms)}.`);
}

/** Checks the numbers of a spec and that the deadline leaves room for the job at all. */
export function checkSpec(spec: WindowSpec): void {
  requireTime(spec.earliestStartMs, 'earliestStartMs');
  requireTime(spec.deadlineMs, 'deadlineMs');
  if (spec.nominalStartMs !== undefined) requireTime(spec.nominalStartMs, 'nominalStartMs');
  if (!(Number.isFinite(spec.durationS) && spec.durationS > 0)) {
    throw new GreenmlError('INVALID_INPUT', `The job duration must be a positive number of seconds, got ${String(spec.durationS)}.`);
  }
  if (spec.energyKwh !== undefined && !(Number.isFinite(spec.energyKwh) && spec.energyKwh >= 0)) {
    throw new GreenmlError('INVALID_INPUT', `energyKwh must be zero or more, got ${String(spec.energyKwh)}.`);
  }
  const earliestFinish = spec.earliestStartMs + spec.durationS * 1000;
  if (earliestFinish > spec.deadlineMs) {
    throw new GreenmlError(
      'INFEASIBLE',
      `The deadline ${iso(spec.deadlineMs)} is too early: a ${formatDurationS(spec.durationS)} job that starts at ${iso(spec.earliestStartMs)} ` +
        `finishes at ${iso(earliestFinish)} at the earliest. Move the deadline to ${iso(earliestFinish)} or later, or start earlier.`,
      { details: { earliestFinishMs: earliestFinish, deadlineMs: spec.deadlineMs } },
    );
  }
}

/** Index of the first point that ends after t (points sorted by t, not overlapping). */
export function firstEndingAfter(points: readonly IntensityPoint[], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (endOf(points[mid] as IntensityPoint) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The gap-free runs of the points that overlap [fromMs, toMs), clipped to it. Checks on the way
 * that the points it reads are in order, do not overlap and hold finite values, so a search never
 * silently works on a malformed series (checking only the slice keeps a search on a long series
 * proportional to its window).
 */
export function runsOver(points: readonly IntensityPoint[], fromMs: number, toMs: number): Run[] {
  const runs: Run[] = [];
  let prevEnd = -Infinity;
  for (let i = firstEndingAfter(points, fromMs); i < points.length; i++) {
    const p = points[i] as IntensityPoint;
    if (p.t >= toMs) break;
    if (!(Number.isFinite(p.t) && p.durationS > 0 && Number.isFinite(p.intensityGPerKwh))) {
      throw new GreenmlError('INVALID_INPUT', `Intensity point ${i} (${String(p.t)}) needs a finite time, a positive duration and a finite value.`);
    }
    if (p.t < prevEnd) {
      throw new GreenmlError('INVALID_INPUT', `Intensity points must be sorted by time and must not overlap; point ${i} at ${iso(p.t)} starts before the previous one ends.`);
    }
    const end = endOf(p);
    const last = runs[runs.length - 1];
    if (last && p.t === last.endMs) {
      last.last = i;
      last.endMs = Math.min(end, toMs);
    } else {
      runs.push({ first: i, last: i, startMs: Math.max(p.t, fromMs), endMs: Math.min(end, toMs) });
    }
    prevEnd = end;
  }
  return runs;
}

/** "2023-03-14T03:30Z – 2023-03-16T03:30Z" or the first few runs when there are gaps. */
export function describeCoverage(points: readonly IntensityPoint[]): string {
  if (points.length === 0) return 'nothing (the series is empty)';
  const first = points[0] as IntensityPoint;
  const all = runsOver(points, first.t, Infinity);
  const shown = all.slice(0, 3).map((r) => `${iso(r.startMs)} – ${iso(r.endMs)}`);
  const more = all.length > 3 ? ` and ${all.length - 3} more stretch(es)` : '';
  return shown.join(', ') + more + (all.length > 1 ? ` (${all.length - 1} gap(s))` : '');
}

export function notCovered(points: readonly IntensityPoint[], fromMs: number, toMs: number, what: string): GreenmlError {
  return new GreenmlError(
    'INFEASIBLE',
    `The intensity series does not cover ${what} (${iso(fromMs)} – ${iso(toMs)}); it covers ${describeCoverage(points)}. ` +
      'Fetch or import intensity for that span, or move the earliest start and deadline inside the covered range.',
    { details: { neededFromMs: fromMs, neededToMs: toMs } },
  );
}
