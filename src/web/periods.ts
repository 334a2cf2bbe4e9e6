/**
 * Calendar buckets for the overview, in UTC like budgets (core's periodBounds: ISO weeks from
 * Monday 00:00 UTC, calendar months). Pure: no DOM.
 */
import { periodBounds, type PeriodBounds } from '../core/index.js';

export type BucketUnit = 'day' | 'week' | 'month';

/** The `count` periods up to and including the one holding `nowMs`, oldest first. */
export function lastPeriods(unit: BucketUnit, count: number, nowMs: number): PeriodBounds[] {
  const out: PeriodBounds[] = [];
  let t = nowMs;
  for (let i = 0; i < count; i++) {
    const b = periodBounds(unit, t);
    out.push(b);
    t = b.startMs - 1;
  }
  return out.reverse();
}
