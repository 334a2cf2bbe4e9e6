/** Small helpers the sources share for shaping series. */
import { GreenmlError, type IntensityPoint, type IntensitySeries } from '../core/index.js';

const HOUR_MS = 3_600_000;

/** The points overlapping [fromMs, toMs), in time order. */
export function overlapping(points: readonly IntensityPoint[], fromMs: number, toMs: number): IntensityPoint[] {
  return points.filter((p) => p.t < toMs && p.t + p.durationS * 1000 > fromMs).sort((a, b) => a.t - b.t);
}

/** Hour-aligned (UTC) points covering [fromMs, toMs), all holding one value. */
export function flatHours(value: number, fromMs: number, toMs: number): IntensityPoint[] {
  const out: IntensityPoint[] = [];
  for (let t = Math.floor(fromMs / HOUR_MS) * HOUR_MS; t < toMs; t += HOUR_MS) out.push({ t, durationS: 3600, intensityGPerKwh: value });
  return out;
}

export function checkSpan(fromMs: number, toMs: number): void {
  if (!(Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs)) {
    throw new GreenmlError('INVALID_INPUT', `An intensity span must end after it starts (got ${fromMs} – ${toMs}).`);
  }
}

/** The one point of a series covering atMs, or an INFEASIBLE error naming what the series covers. */
export function pointAt(series: IntensitySeries, atMs: number): IntensitySeries {
  const p = series.points.find((q) => q.t <= atMs && atMs < q.t + q.durationS * 1000);
  if (!p) {
    const first = series.points[0];
    const last = series.points[series.points.length - 1];
    const covers = first && last ? `${new Date(first.t).toISOString()} – ${new Date(last.t + last.durationS * 1000).toISOString()}` : 'nothing';
    throw new GreenmlError('INFEASIBLE', `No ${series.source} value for ${series.zone} at ${new Date(atMs).toISOString()}; the data covers ${covers}.`);
  }
  return { ...series, points: [p] };
}
