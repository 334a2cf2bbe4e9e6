/**
 * What the run page charts, computed from a run's (downsampled) samples, metrics and the intensity
 * it was charged at. Pure: no DOM, so it is tested in Node (test/web/run-series.test.ts).
 *
 * Samples hold cumulative IT energy per component (joules since the start), so cumulative figures
 * are exact at every kept sample whatever the downsampling; power is the mean over each sample's
 * interval as the meter recorded it.
 */
import { kwhFromJoules, operationalEmissionsG, type IntensityPoint, type MetricPoint, type RunRecord, type Sample } from '../core/index.js';

export type Point = [t: number, value: number | null];

const COMPONENTS = ['cpu', 'gpu', 'memory'] as const;
export type ChartComponent = (typeof COMPONENTS)[number];

export interface RunSeries {
  /** Mean power per interval, W; a component the meter never reported is left out. */
  powerW: Partial<Record<ChartComponent, Point[]>>;
  /** Cumulative IT energy per component, kWh (before PUE). */
  itKwh: Partial<Record<ChartComponent, Point[]>>;
  /** Cumulative facility energy (IT x PUE), kWh. */
  facilityKwh: Point[];
  /** Cumulative operational emissions, g CO2e; null when the run has no intensity. */
  operationalG: Point[] | null;
  pue: number;
}

/** The PUE the run was charged with: the footprint's factor, else what its totals imply, else 1. */
export function pueOf(run: RunRecord): number {
  if (run.footprint) return run.footprint.pue.value;
  const it = run.cpuKwh + run.gpuKwh + run.memoryKwh;
  return it > 0 && run.energyKwh > 0 ? run.energyKwh / it : 1;
}

/** The mean intensity the run was charged at, g/kWh, or null when none is known yet. */
export const intensityOf = (run: RunRecord): number | null => run.footprint?.intensity.value ?? run.intensityGPerKwh;

const powerOf: Record<ChartComponent, (s: Sample) => number | null> = { cpu: (s) => s.cpuW, gpu: (s) => s.gpuW, memory: (s) => s.memoryW };
const joulesOf: Record<ChartComponent, (s: Sample) => number> = { cpu: (s) => s.cpuJ, gpu: (s) => s.gpuJ, memory: (s) => s.memoryJ };

/**
 * Chart series for a run. `intensity` is the grid series over the run when the dashboard could get
 * one (time-resolved emissions), else the run's mean intensity applies to every interval.
 */
export function runSeries(run: RunRecord, samples: readonly Sample[], intensity: readonly IntensityPoint[] | null = null): RunSeries {
  const pue = pueOf(run);
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  const powerW: RunSeries['powerW'] = {};
  const itKwh: RunSeries['itKwh'] = {};
  for (const c of COMPONENTS) {
    const reported = sorted.some((s) => powerOf[c](s) !== null) || sorted.some((s) => joulesOf[c](s) > 0);
    if (!reported) continue;
    powerW[c] = sorted.map((s) => [s.t, powerOf[c](s)]);
    itKwh[c] = sorted.map((s) => [s.t, kwhFromJoules(joulesOf[c](s))]);
  }
  const facility = sorted.map((s) => kwhFromJoules(s.cpuJ + s.gpuJ + s.memoryJ) * pue);
  const facilityKwh: Point[] = sorted.map((s, i) => [s.t, facility[i] as number]);

  const mean = intensityOf(run);
  let operationalG: Point[] | null = null;
  if (mean !== null) {
    operationalG = [];
    let cumulative = 0;
    for (let i = 0; i < sorted.length; i++) {
      const s = sorted[i] as Sample;
      const prev = sorted[i - 1];
      // The first interval starts dtS before its end; later ones start at the previous kept sample.
      const startMs = prev ? prev.t : s.t - s.dtS * 1000;
      const energyKwh = Math.max(0, (facility[i] as number) - (prev ? (facility[i - 1] as number) : 0));
      const interval = [{ startMs: Math.min(startMs, s.t), endMs: s.t, energyKwh }];
      cumulative += intensity && intensity.length > 0
        ? operationalEmissionsG(interval, intensity, { fallbackGPerKwh: mean }).co2eG
        : energyKwh * mean;
      operationalG.push([s.t, cumulative]);
    }
  }
  return { powerW, itKwh, facilityKwh, operationalG, pue };
}

/** A metric's points over time, one series per key, sorted by time then step. */
export function metricSeries(points: readonly MetricPoint[]): Map<string, Point[]> {
  const byKey = new Map<string, MetricPoint[]>();
  for (const p of points) {
    const list = byKey.get(p.key);
    if (list) list.push(p);
    else byKey.set(p.key, [p]);
  }
  const out = new Map<string, Point[]>();
  for (const key of [...byKey.keys()].sort()) {
    const list = (byKey.get(key) as MetricPoint[]).sort((a, b) => a.t - b.t || (a.step ?? 0) - (b.step ?? 0));
    out.set(key, list.map((p) => [p.t, p.value]));
  }
  return out;
}

/** Intensity as a step series for a chart: each point holds from t to t + durationS. */
export function intensitySteps(points: readonly IntensityPoint[]): [number, number][] {
  const out: [number, number][] = [];
  for (const p of points) {
    out.push([p.t, p.intensityGPerKwh]);
    out.push([p.t + p.durationS * 1000, p.intensityGPerKwh]);
  }
  return out;
}
