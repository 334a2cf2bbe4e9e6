/**
 * Turns chosen chunks into a plan: the expected intensity and emissions of the plan, those of the
 * unshifted run, and the saving. Means are recomputed here from the series with the Carbon Aware
 * SDK's time-weighted rule, so a plan's figures never carry the search's rounding.
 */
import { GreenmlError } from '../errors.js';
import { meanIntensityOver, type IntensityPoint } from '../series.js';
import type { PlanChunk, SchedulePlan } from './types.js';

export interface Baseline {
  region?: string;
  startMs: number;
  endMs: number;
  meanIntensityGPerKwh: number;
}

export interface PlanInput {
  strategy: SchedulePlan['strategy'];
  /** [startMs, endMs) pairs, sorted, not touching. */
  chunks: ReadonlyArray<readonly [number, number]>;
  points: readonly IntensityPoint[];
  baseline: Baseline;
  energyKwh: number;
  searchedUntilMs: number;
  region?: string;
}

export function makePlan(input: PlanInput): SchedulePlan {
  const chunks: PlanChunk[] = input.chunks.map(([startMs, endMs]) => {
    const mean = meanIntensityOver(input.points, startMs, endMs);
    if (mean === null) throw new GreenmlError('INTERNAL', `A planned chunk ${startMs}–${endMs} is not covered by the series it was planned on.`);
    return { startMs, endMs, meanIntensityGPerKwh: mean };
  });
  const first = chunks[0];
  const last = chunks[chunks.length - 1];
  if (!first || !last) throw new GreenmlError('INTERNAL', 'A plan needs at least one chunk.');
  const runMs = chunks.reduce((sum, c) => sum + (c.endMs - c.startMs), 0);
  const mean = chunks.reduce((sum, c) => sum + c.meanIntensityGPerKwh * (c.endMs - c.startMs), 0) / runMs;
  const { energyKwh } = input;
  const co2eG = energyKwh * mean;
  const baselineCo2eG = energyKwh * input.baseline.meanIntensityGPerKwh;
  const savedCo2eG = baselineCo2eG - co2eG;
  return {
    strategy: input.strategy,
    ...(input.region === undefined ? {} : { region: input.region }),
    startMs: first.startMs,
    endMs: last.endMs,
    durationS: runMs / 1000,
    chunks,
    pauses: chunks.length - 1,
    meanIntensityGPerKwh: mean,
    energyKwh,
    co2eG,
    baseline: { ...input.baseline, co2eG: baselineCo2eG },
    savedCo2eG,
    savedGPerKwh: input.baseline.meanIntensityGPerKwh - mean,
    savingRatio: baselineCo2eG > 0 ? savedCo2eG / baselineCo2eG : 0,
    searchedUntilMs: input.searchedUntilMs,
  };
}
