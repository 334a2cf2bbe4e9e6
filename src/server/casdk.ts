/**
 * The Carbon Aware SDK's WebAPI shapes and its forecast windowing, as its code does them
 * (shared/research/scheduling.md §1.1, §1.2, §1.5; GSF carbon-aware-sdk 1.8):
 *   - EmissionsData: { location, time, rating, duration: TimeSpan "hh:mm:ss" };
 *   - EmissionsForecastDTO with `optimalDataPoints` (an array, every tie) and `forecastData`
 *     holding rolling averages over windowSize minutes, each EmissionsDataDTO with `duration` in
 *     integer minutes;
 *   - windows start at dataStartAt and advance by the forecast's step, are time-weighted over
 *     the points they overlap, are emitted only when the data covers them, and all end by
 *     dataEndAt (which is therefore the deadline).
 * Pure: the caller fetches the series and passes the time.
 */
import { GreenmlError, TIE_TOLERANCE, meanIntensityOver, type IntensityPoint } from '../core/index.js';

export interface EmissionsData {
  location: string;
  time: string;
  /** g CO2e/kWh. */
  rating: number;
  /** .NET TimeSpan text. */
  duration: string;
}

export interface EmissionsDataDto {
  location: string;
  timestamp: string;
  /** Minutes (an integer, unlike EmissionsData.duration). */
  duration: number;
  value: number;
}

export interface EmissionsForecastDto {
  generatedAt: string;
  requestedAt: string;
  location: string;
  dataStartAt: string;
  dataEndAt: string;
  windowSize: number;
  optimalDataPoints: EmissionsDataDto[];
  forecastData: EmissionsDataDto[];
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** System.Text.Json's DateTimeOffset form in UTC: 2022-05-17T20:45:11+00:00 (milliseconds only when non-zero). */
export function isoOffset(ms: number): string {
  const d = new Date(ms);
  const frac = d.getUTCMilliseconds() === 0 ? '' : `.${pad(d.getUTCMilliseconds(), 3)}`;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac}+00:00`;
}

/** A .NET TimeSpan's invariant text: hh:mm:ss, or d.hh:mm:ss from one day up. */
export function timeSpan(seconds: number): string {
  const s = Math.round(seconds);
  const days = Math.floor(s / 86_400);
  const rest = s - days * 86_400;
  const hms = `${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
  return days > 0 ? `${days}.${hms}` : hms;
}

const endOf = (p: IntensityPoint): number => p.t + p.durationS * 1000;

export function toEmissionsData(location: string, points: readonly IntensityPoint[]): EmissionsData[] {
  return points.map((p) => ({ location, time: isoOffset(p.t), rating: p.intensityGPerKwh, duration: timeSpan(p.durationS) }));
}

/** Ratings within this of the lowest are a tie (greenml's window search tolerance, not exact float equality). */
const ties = (value: number, min: number): boolean => value <= min + TIE_TOLERANCE * Math.max(1, Math.abs(min));

/** bylocations/best: every point with the lowest rating across all locations and times. */
export function bestEmissions(data: readonly EmissionsData[]): EmissionsData[] {
  if (data.length === 0) return [];
  const min = Math.min(...data.map((d) => d.rating));
  return data.filter((d) => ties(d.rating, min));
}

export interface ForecastWindowing {
  location: string;
  /** The forecast, in time order. */
  points: readonly IntensityPoint[];
  dataStartAtMs?: number;
  dataEndAtMs?: number;
  /** Minutes; 0 or absent: the raw points. */
  windowSizeMin?: number;
  generatedAtMs: number;
  requestedAtMs: number;
}

export function forecastDto(f: ForecastWindowing): EmissionsForecastDto {
  const first = f.points[0];
  const last = f.points[f.points.length - 1];
  if (!first || !last) {
    throw new GreenmlError('UPSTREAM_FAILED', `The intensity source returned no forecast points for ${f.location}. Try again later or use another source.`);
  }
  const lo = first.t;
  const hi = endOf(last);
  const start = f.dataStartAtMs ?? lo;
  const end = f.dataEndAtMs ?? hi;
  const span = `${isoOffset(lo)} to ${isoOffset(hi)}`;
  if (!(start < end)) throw new GreenmlError('INVALID_INPUT', `dataStartAt (${isoOffset(start)}) must be before dataEndAt (${isoOffset(end)}).`, { details: { field: 'dataStartAt' } });
  if (start < lo || start > hi) throw new GreenmlError('INVALID_INPUT', `dataStartAt ${isoOffset(start)} is outside the forecast for ${f.location} (${span}).`, { details: { field: 'dataStartAt' } });
  if (end < lo || end > hi) throw new GreenmlError('INVALID_INPUT', `dataEndAt ${isoOffset(end)} is outside the forecast for ${f.location} (${span}).`, { details: { field: 'dataEndAt' } });
  const windowMin = f.windowSizeMin ?? 0;
  let data: EmissionsDataDto[];
  if (windowMin <= 0) {
    // No window: the points overlapping (start, end], each its own window.
    data = f.points
      .filter((p) => endOf(p) > start && p.t <= end)
      .map((p) => ({ location: f.location, timestamp: isoOffset(p.t), duration: Math.round(p.durationS / 60), value: p.intensityGPerKwh }));
  } else {
    const windowMs = windowMin * 60_000;
    const tickMs = first.durationS * 1000;
    data = [];
    for (let s = start; s + windowMs <= end; s += tickMs) {
      const mean = meanIntensityOver(f.points, s, s + windowMs);
      if (mean !== null) data.push({ location: f.location, timestamp: isoOffset(s), duration: windowMin, value: mean });
    }
  }
  const min = data.length === 0 ? 0 : Math.min(...data.map((d) => d.value));
  return {
    generatedAt: isoOffset(f.generatedAtMs),
    requestedAt: isoOffset(f.requestedAtMs),
    location: f.location,
    dataStartAt: isoOffset(start),
    dataEndAt: isoOffset(end),
    windowSize: Math.max(0, windowMin),
    optimalDataPoints: data.filter((d) => ties(d.value, min)),
    forecastData: data,
  };
}
