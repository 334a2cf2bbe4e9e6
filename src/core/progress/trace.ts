/**
 * The progress trace a running job accumulates for predictions: when each new share of the job
 * was reached and how much energy had been used by then. Kept short (old points are thinned) so a
 * week-long run costs the same memory as a minute-long one.
 */
import type { ProgressEvent, ProgressSource } from './event.js';

export interface ProgressPoint {
  /** Epoch ms when the progress was observed. */
  t: number;
  /** Share of the job done, 0..1. */
  fraction: number;
  /** Cumulative energy of the run at `t`, kWh (the same basis as the prediction's energy). */
  energyKwh: number;
}

export interface ProgressTrace {
  points: ProgressPoint[];
  /** Where the progress comes from; the workload's own report (metrics) wins over a tqdm bar. */
  source: ProgressSource | null;
  /** Times progress went backwards (a new bar began) and the trace started again. */
  restarts: number;
}

/** Points kept before thinning (greenml, 2026): ample for a robust rate, small for the store. */
export const DEFAULT_MAX_TRACE_POINTS = 600;

export const emptyTrace = (): ProgressTrace => ({ points: [], source: null, restarts: 0 });

/** Halves the density of the older half of the trace, keeping its first point and the recent half. */
function thin(points: ProgressPoint[]): ProgressPoint[] {
  const half = Math.floor(points.length / 2);
  const out: ProgressPoint[] = [];
  for (let i = 0; i < points.length; i++) if (i === 0 || i >= half || i % 2 === 0) out.push(points[i] as ProgressPoint);
  return out;
}

/**
 * Adds an observation: ignores events without a fraction, out-of-order times and repeats of the
 * same fraction (the first time a share was reached is what dates it), and starts again when the
 * fraction falls (a new bar began). Returns a new trace; the input is not changed.
 */
export function appendProgress(
  trace: ProgressTrace,
  event: ProgressEvent,
  t: number,
  energyKwh: number,
  maxPoints = DEFAULT_MAX_TRACE_POINTS,
): ProgressTrace {
  const f = event.fraction;
  if (f === null || !Number.isFinite(f) || f < 0 || f > 1 || !Number.isFinite(t) || !Number.isFinite(energyKwh)) return trace;
  if (trace.source === 'metrics' && event.source !== 'metrics') return trace;
  const point: ProgressPoint = { t, fraction: f, energyKwh };
  if (trace.source !== event.source) return { points: [point], source: event.source, restarts: trace.restarts };
  const last = trace.points[trace.points.length - 1];
  if (last && t < last.t) return trace;
  if (last && f === last.fraction) return trace;
  if (last && f < last.fraction) return { points: [point], source: event.source, restarts: trace.restarts + 1 };
  let points = [...trace.points, point];
  while (points.length > Math.max(8, maxPoints)) points = thin(points);
  return { points, source: event.source, restarts: trace.restarts };
}
