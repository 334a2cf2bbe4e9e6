/**
 * What a scheduled job saved, after the fact. The counterfactual is the job's own measured energy
 * profile (each sampling interval's energy, pauses left out) laid end to end from the immediate
 * start (the earliest start, in the home region) and priced at the intensity of that time; the
 * actual emissions are the same profile priced at the times it really ran. Both use the same
 * series (reported values when the source has them by then, else its forecast), so the saving
 * compares like with like. When no series covers both spans (the static annual average, a source
 * that holds nothing for those hours), the plan's mean intensities are applied to the measured
 * energy instead, and the method says so.
 */
import {
  kwhFromJoules,
  operationalEmissionsG,
  type EnergyInterval,
  type IntensitySeries,
  type RunRecord,
  type Sample,
} from '../core/index.js';
import type { JobOutcome, ScheduledPlan } from './schedule.js';
import { resolveScheduleRegion } from './schedule-forecast.js';

export interface RunEnergy {
  run: RunRecord;
  samples: readonly Sample[];
}

export type SeriesLookup = (zone: string, fromMs: number, toMs: number) => Promise<IntensitySeries | null>;

/** Each sample's interval with the IT energy used in it (cumulative joules differenced). */
export function energyIntervals(samples: readonly Sample[]): EnergyInterval[] {
  const out: EnergyInterval[] = [];
  let prevJ = 0;
  for (const s of samples) {
    const cumJ = s.cpuJ + s.gpuJ + s.memoryJ;
    const energyKwh = kwhFromJoules(Math.max(0, cumJ - prevJ));
    prevJ = cumJ;
    const startMs = s.t - s.dtS * 1000;
    if (s.dtS > 0) out.push({ startMs, endMs: s.t, energyKwh });
  }
  return out;
}

/** Intervals laid end to end from startMs, in their order, keeping each one's length and energy. */
export function shiftedIntervals(intervals: readonly EnergyInterval[], startMs: number): EnergyInterval[] {
  let t = startMs;
  return intervals.map((iv) => {
    const span = iv.endMs - iv.startMs;
    const shifted = { startMs: t, endMs: t + span, energyKwh: iv.energyKwh };
    t += span;
    return shifted;
  });
}

async function meanOver(lookup: SeriesLookup | undefined, zone: string, intervals: readonly EnergyInterval[]): Promise<{ mean: number; source: string } | null> {
  const first = intervals[0];
  const last = intervals[intervals.length - 1];
  if (!lookup || !first || !last) return null;
  let series: IntensitySeries | null;
  try {
    series = await lookup(zone, first.startMs, last.endMs);
  } catch {
    return null;
  }
  if (!series || series.kind === 'static' || series.points.length === 0) return null;
  const r = operationalEmissionsG(intervals, series.points);
  if (r.coveredShare < 1 || !Number.isFinite(r.meanIntensityGPerKwh)) return null;
  return { mean: r.meanIntensityGPerKwh, source: series.source };
}

const sum = (xs: readonly number[]): number => xs.reduce((a, x) => a + x, 0);

/** The outcome of a finished job: see the module comment for the method. */
export async function jobOutcome(plan: ScheduledPlan, runs: readonly RunEnergy[], lookup?: SeriesLookup): Promise<JobOutcome> {
  const energyKwh = sum(runs.map((r) => r.run.energyKwh));
  const activeS = sum(runs.map((r) => r.run.durationS));
  const intervals = runs.flatMap((r) => energyIntervals(r.samples));
  const immediateStartMs = plan.immediate.startMs;
  const homeZone = (() => {
    try {
      return resolveScheduleRegion(plan.immediate.region).zone;
    } catch {
      return plan.zone;
    }
  })();
  const notes: string[] = [];
  const actual = await meanOver(lookup, plan.zone, intervals);
  const immediate = actual ? await meanOver(lookup, homeZone, shiftedIntervals(intervals, immediateStartMs)) : null;
  let method: JobOutcome['method'];
  let actualGPerKwh: number;
  let immediateGPerKwh: number;
  let source: string;
  if (actual && immediate) {
    method = 'repriced-series';
    actualGPerKwh = actual.mean;
    immediateGPerKwh = immediate.mean;
    source = actual.source === immediate.source ? actual.source : `${actual.source}; immediate start: ${immediate.source}`;
  } else {
    method = 'plan';
    actualGPerKwh = plan.expectedGPerKwh;
    immediateGPerKwh = plan.immediateGPerKwh;
    source = plan.forecast.source;
    notes.push('No intensity series covers both the run and the immediate start: the plan\'s expected and immediate-start mean intensities were applied to the measured energy.');
  }
  const actualG = energyKwh * actualGPerKwh;
  const immediateG = energyKwh * immediateGPerKwh;
  const savedG = immediateG - actualG;
  return {
    method,
    source,
    energyKwh,
    actualG,
    immediateG,
    savedG,
    savingRatio: immediateG > 0 ? savedG / immediateG : 0,
    actualGPerKwh,
    immediateGPerKwh,
    immediateStartMs,
    activeS,
    runIds: runs.map((r) => r.run.id),
    notes,
  };
}
