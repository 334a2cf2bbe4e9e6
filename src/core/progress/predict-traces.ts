/**
 * Constructed progress traces with known totals, for checking run predictions: each step takes a
 * stated time at a stated power, so the true duration and energy are exact. Deterministic (seeded).
 * Used by the tests and by docs/budgets.md's error table.
 */
import { JOULES_PER_KWH } from '../units.js';
import { predictRun, type PredictOptions, type RunPrediction } from './predict.js';
import type { ProgressPoint } from './trace.js';

export interface Step {
  /** Seconds the step takes. */
  durationS: number;
  /** Mean power over the step, W. */
  powerW: number;
  /** Progress the step completes (0 for a pause or a start-up phase without progress). */
  progress: number;
}

export interface ConstructedTrace {
  name: string;
  steps: Step[];
}

/** Mulberry32 (Tommy Ettinger, 2017): a tiny seeded generator, so noisy traces repeat exactly. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const repeat = (n: number, step: Step): Step[] => Array.from({ length: n }, () => ({ ...step }));

/** The traces of the tests and the docs: linear, warm-up heavy, noisy, stalled, epochs. */
export function constructedTraces(): ConstructedTrace[] {
  const rand = mulberry32(26);
  return [
    { name: 'linear', steps: repeat(100, { durationS: 30, powerW: 250, progress: 0.01 }) },
    {
      name: 'warm-up heavy',
      steps: [
        { durationS: 600, powerW: 80, progress: 0 }, // loading data, compiling: no progress yet
        ...repeat(10, { durationS: 90, powerW: 200, progress: 0.01 }),
        ...repeat(90, { durationS: 30, powerW: 300, progress: 0.01 }),
      ],
    },
    {
      name: 'noisy',
      steps: Array.from({ length: 200 }, () => ({ durationS: 20 * (0.5 + rand()), powerW: 250 + 60 * rand(), progress: 0.005 })),
    },
    {
      name: 'stalled',
      steps: [
        ...repeat(40, { durationS: 20, powerW: 300, progress: 0.01 }),
        { durationS: 1200, powerW: 120, progress: 0 }, // stuck: a hung data loader, an idle GPU
        ...repeat(60, { durationS: 20, powerW: 300, progress: 0.01 }),
      ],
    },
    { name: 'epochs', steps: repeat(10, { durationS: 600, powerW: 350, progress: 0.1 }) },
  ];
}

export interface Replay {
  points: ProgressPoint[];
  totalS: number;
  totalKwh: number;
  /** Energy (kWh) at a time (s after the start), for predictions taken between progress points. */
  energyAt(s: number): number;
}

export function replay(trace: ConstructedTrace, startMs = 0): Replay {
  let t = 0;
  let kwh = 0;
  let f = 0;
  const points: ProgressPoint[] = [];
  const segments: { fromS: number; toS: number; kwhAtStart: number; powerW: number }[] = [];
  for (const s of trace.steps) {
    segments.push({ fromS: t, toS: t + s.durationS, kwhAtStart: kwh, powerW: s.powerW });
    t += s.durationS;
    kwh += (s.powerW * s.durationS) / JOULES_PER_KWH;
    if (s.progress > 0) {
      f = Math.min(1, f + s.progress);
      points.push({ t: startMs + t * 1000, fraction: Math.round(f * 1e9) / 1e9, energyKwh: kwh });
    }
  }
  const energyAt = (sec: number): number => {
    const seg = segments.find((g) => sec >= g.fromS && sec < g.toS);
    if (!seg) return kwh;
    return seg.kwhAtStart + (seg.powerW * (sec - seg.fromS)) / JOULES_PER_KWH;
  };
  return { points, totalS: t, totalKwh: kwh, energyAt };
}

export interface CheckedPrediction {
  trace: string;
  /** Progress when predicted. */
  fraction: number;
  atS: number;
  prediction: RunPrediction;
  /** (predicted central - true) / true. */
  durationError: number;
  energyError: number;
  /** Whether the true totals lie within [low, high] (high null = unbounded). */
  durationCovered: boolean;
  energyCovered: boolean;
}

const covered = (truth: number, low: number, high: number | null): boolean => truth >= low * (1 - 1e-9) && (high === null || truth <= high * (1 + 1e-9));

/** Predicts at the moment the trace first reaches each fraction, and at `extraAtS` seconds. */
export function checkPredictions(trace: ConstructedTrace, fractions: readonly number[], extraAtS: readonly number[] = [], options?: PredictOptions): CheckedPrediction[] {
  const r = replay(trace);
  const times = [
    ...fractions.map((q) => ((r.points.find((p) => p.fraction >= q - 1e-9) as ProgressPoint).t) / 1000),
    ...extraAtS,
  ];
  return times.map((atS) => {
    const nowMs = atS * 1000;
    const prediction = predictRun({ trace: r.points.filter((p) => p.t <= nowMs), startedMs: 0, nowMs, energyKwh: r.energyAt(atS) }, options);
    const d = prediction.durationS;
    const e = prediction.energyKwh;
    return {
      trace: trace.name,
      fraction: prediction.fraction,
      atS,
      prediction,
      durationError: d ? (d.central - r.totalS) / r.totalS : Number.NaN,
      energyError: e ? (e.central - r.totalKwh) / r.totalKwh : Number.NaN,
      durationCovered: d ? covered(r.totalS, d.low, d.high) : false,
      energyCovered: e ? covered(r.totalKwh, e.low, e.high) : false,
    };
  });
}
