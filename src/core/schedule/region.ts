/**
 * Time and place together: the best window over several allowed regions at once. Each region is
 * searched on its own series; the lowest mean wins, ties go to the earliest start and then to the
 * order the regions were given in (put the preferred region first). The saving is measured
 * against running unshifted in the first region, the job's home.
 */
import { GreenmlError } from '../errors.js';
import type { IntensityPoint, IntensitySignal } from '../series.js';
import { checkSpec } from './coverage.js';
import { checkInterruptible, searchInterruptible } from './interruptible.js';
import { makePlan } from './plan.js';
import type { InterruptibleSpec, SchedulePlan, WindowSpec } from './types.js';
import { baselineOf, isBetter, noWindow, searchContiguous } from './window.js';

export interface RegionSeries {
  region: string;
  points: readonly IntensityPoint[];
  /** When given for every region it must be the same: average and marginal signals never mix. */
  signal?: IntensitySignal;
}

export interface RegionOption {
  region: string;
  /** null when the region's series has no window that fits. */
  startMs: number | null;
  meanIntensityGPerKwh: number | null;
}

export interface RegionPlan extends SchedulePlan {
  region: string;
  /** Every region's best, in the order given, so a report can show what was passed over. */
  alternatives: RegionOption[];
}

const isInterruptible = (spec: WindowSpec | InterruptibleSpec): spec is InterruptibleSpec => 'maxPauses' in spec;

export function bestRegionWindow(regions: readonly RegionSeries[], spec: WindowSpec | InterruptibleSpec): RegionPlan {
  if (regions.length === 0) throw new GreenmlError('INVALID_INPUT', 'Give at least one region to choose from.');
  const names = new Set<string>();
  for (const r of regions) {
    if (names.has(r.region)) throw new GreenmlError('INVALID_INPUT', `Region ${r.region} is listed twice; list each allowed region once.`);
    names.add(r.region);
  }
  const signals = new Set(regions.map((r) => r.signal).filter((s) => s !== undefined));
  if (signals.size > 1) {
    throw new GreenmlError('INVALID_INPUT', 'The regions mix average and marginal intensity signals, which are not comparable; use one signal for every region.');
  }
  if (isInterruptible(spec)) checkInterruptible(spec);
  else checkSpec(spec);

  const home = regions[0] as RegionSeries;
  const baseline = baselineOf(home.points, spec, home.region);
  const durationMs = spec.durationS * 1000;
  const alternatives: RegionOption[] = [];
  let best: { index: number; chunks: Array<[number, number]>; mean: number; searchedUntilMs: number } | null = null;
  regions.forEach((r, index) => {
    let chunks: Array<[number, number]> | null = null;
    let mean = Infinity;
    let searchedUntilMs = spec.earliestStartMs;
    if (isInterruptible(spec)) {
      const found = searchInterruptible(r.points, spec);
      if (found) ({ chunks, meanIntensityGPerKwh: mean, searchedUntilMs } = found);
    } else {
      const found = searchContiguous(r.points, spec.earliestStartMs, spec.deadlineMs, durationMs);
      searchedUntilMs = found.searchedUntilMs;
      if (found.best) {
        chunks = [[found.best.startMs, found.best.startMs + durationMs]];
        mean = found.best.meanIntensityGPerKwh;
      }
    }
    const first = chunks?.[0];
    alternatives.push({ region: r.region, startMs: first ? first[0] : null, meanIntensityGPerKwh: chunks ? mean : null });
    if (!chunks || !first) return;
    const tie = best !== null && !isBetter(mean, best.mean) && !isBetter(best.mean, mean);
    const earlier = best !== null && first[0] < (best.chunks[0] as [number, number])[0];
    if (best === null || isBetter(mean, best.mean) || (tie && earlier)) best = { index, chunks, mean, searchedUntilMs };
  });
  if (!best) throw noWindow(home.points, spec);
  const chosen: { index: number; chunks: Array<[number, number]>; searchedUntilMs: number } = best;
  const region = regions[chosen.index] as RegionSeries;
  const plan = makePlan({
    strategy: isInterruptible(spec) ? 'interruptible' : 'contiguous',
    chunks: chosen.chunks,
    points: region.points,
    baseline,
    energyKwh: spec.energyKwh ?? 1,
    searchedUntilMs: chosen.searchedUntilMs,
    region: region.region,
  });
  return { ...plan, region: region.region, alternatives };
}
