/**
 * The intensity a schedule is planned on, for one region: the first of these that answers, named
 * in the plan so nobody mistakes a guess for a forecast.
 *   1. provider-forecast: the configured source's own forecast (Electricity Maps, WattTime, NESO,
 *      or a forecast imported into the store);
 *   2. known-values: values the source already holds for the whole span (an imported forecast or
 *      a replay of a past series; a file's values are read as they are);
 *   3. baseline-forecast: core's same-time-of-day mean over the last 7 days of history, from the
 *      source or from what the store holds (imports, cached fetches);
 *   4. static: the catalog's annual average for the region or country, a flat line: nothing to
 *      gain by waiting, so such a plan starts at once.
 */
import { countryIntensity, findCountry, findRegion, regionIntensity } from '../catalog/index.js';
import {
  BASELINE_FORECAST_DAYS,
  GreenmlError,
  baselineForecast,
  isGreenmlError,
  meanIntensityOver,
  type Factor,
  type IntensityPoint,
  type IntensitySeries,
  type IntensitySignal,
} from '../core/index.js';
import type { IntensitySource } from '../intensity/index.js';

export const FORECAST_METHODS = ['provider-forecast', 'known-values', 'baseline-forecast', 'static'] as const;
export type ForecastMethod = (typeof FORECAST_METHODS)[number];

/** A region as a schedule names it, with the grid zone intensity sources know it by. */
export interface ScheduleRegion {
  /** As stored in the job: "gcp:europe-west4", "FR", or a provider zone such as "US-CAL-CISO". */
  region: string;
  /** The zone asked of intensity sources: a cloud region's Electricity Maps zone or its country. */
  zone: string;
  /** The catalog's annual average, when the catalog knows the region or country. */
  annual: Factor | null;
  /** Location for measuring the job's run. */
  location: { region?: string; country?: string };
}

export interface RegionForecast {
  region: string;
  zone: string;
  method: ForecastMethod;
  /** Citation of the values (provider, file, "baseline forecast: ..."). */
  source: string;
  signal: IntensitySignal;
  points: IntensityPoint[];
  /** Why earlier methods were passed over, and other caveats. */
  notes: string[];
}

/**
 * A cloud region (provider:region) maps to its Electricity Maps zone, else its country; a country
 * code is its own zone; anything else is passed to the source as a zone of its own (an Electricity
 * Maps zone, a WattTime region), without an annual fallback.
 */
export function resolveScheduleRegion(text: string): ScheduleRegion {
  const t = text.trim();
  if (t === '') throw new GreenmlError('INVALID_INPUT', 'A region is empty: give a cloud region (gcp:europe-west4) or a country code (FR).');
  if (t.includes(':')) {
    const r = findRegion(t);
    return { region: r.id, zone: r.electricityMapsZone ?? r.country, annual: regionIntensity(r), location: { region: r.id } };
  }
  try {
    const c = findCountry(t);
    return { region: c.id, zone: c.id, annual: countryIntensity(c.id), location: { country: c.id } };
  } catch (e) {
    if (!isGreenmlError(e) || e.code !== 'UNKNOWN_ID') throw e;
  }
  if (!/^[A-Za-z0-9_-]{2,64}$/.test(t)) {
    throw new GreenmlError('UNKNOWN_ID', `Unknown region "${text}": give a cloud region (gcp:europe-west4), a country code (FR) or a provider zone (US-CAL-CISO).`);
  }
  return { region: t, zone: t, annual: null, location: {} };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The points' values over [fromMs, toMs) without a gap, or null. */
const covers = (points: readonly IntensityPoint[], fromMs: number, toMs: number): boolean => meanIntensityOver(points, fromMs, toMs) !== null;

function clip(points: readonly IntensityPoint[], fromMs: number, toMs: number): IntensityPoint[] {
  return points.filter((p) => p.t < toMs && p.t + p.durationS * 1000 > fromMs).sort((a, b) => a.t - b.t);
}

function flatSeries(value: number, fromMs: number, toMs: number): IntensityPoint[] {
  const out: IntensityPoint[] = [];
  for (let t = Math.floor(fromMs / HOUR_MS) * HOUR_MS; t < toMs; t += HOUR_MS) out.push({ t, durationS: 3600, intensityGPerKwh: value });
  return out;
}

export interface ForecastRequest {
  region: ScheduleRegion;
  nowMs: number;
  /** The span the plan searches: [fromMs, toMs) (the earliest start to the deadline). */
  fromMs: number;
  toMs: number;
  /** The plan needs at least [fromMs, fromMs + needMs) covered (the immediate-start window). */
  needMs: number;
}

/** The first method of the module comment that covers what the plan needs. */
export async function forecastFor(req: ForecastRequest, source: IntensitySource, stored: IntensitySource | null): Promise<RegionForecast> {
  const { region, fromMs, toMs, nowMs } = req;
  const zone = region.zone;
  const notes: string[] = [];
  const needTo = fromMs + req.needMs;
  const sources = stored && stored !== source ? [source, stored] : [source];
  const result = (method: ForecastMethod, series: Pick<IntensitySeries, 'source' | 'signal'>, points: IntensityPoint[]): RegionForecast => ({
    region: region.region,
    zone,
    method,
    source: series.source,
    signal: series.signal,
    points,
    notes,
  });

  try {
    const f = await source.forecast(zone, fromMs, toMs);
    if (f && f.kind === 'forecast' && f.points.length > 0) {
      let points = clip(f.points, fromMs, toMs);
      const first = points[0];
      if (first && first.t > fromMs) {
        // Providers publish from the next slot on; the value in force now fills the time before it.
        try {
          const now = await source.current(zone, fromMs);
          const value = now.points[0]?.intensityGPerKwh;
          if (value !== undefined) {
            points = [{ t: fromMs, durationS: (first.t - fromMs) / 1000, intensityGPerKwh: value }, ...points];
            notes.push(`The forecast starts at ${new Date(first.t).toISOString()}; the current value (${value} g/kWh) fills the time before it.`);
          }
        } catch (e) {
          notes.push(`No current value before the forecast starts: ${message(e)}`);
        }
      }
      const end = points.at(-1);
      if (covers(points, fromMs, needTo)) {
        if (end && end.t + end.durationS * 1000 < toMs) notes.push(`The forecast reaches only to ${new Date(end.t + end.durationS * 1000).toISOString()}: later windows were not considered.`);
        return result('provider-forecast', f, points);
      }
      notes.push(`The provider forecast (${f.source}) does not cover the first ${Math.round(req.needMs / 60000)} min from the earliest start.`);
    } else if (f && f.kind === 'static') {
      return result('static', f, clip(f.points, fromMs, toMs));
    }
  } catch (e) {
    notes.push(`No provider forecast: ${message(e)}`);
  }

  for (const s of sources) {
    try {
      const h = await s.history(zone, fromMs, toMs);
      if (h.kind !== 'static' && covers(h.points, fromMs, toMs)) return result('known-values', { ...h, source: `${h.source} (values known in advance: an imported forecast or a replay)` }, clip(h.points, fromMs, toMs));
    } catch {
      // Most sources hold nothing ahead of now: that is the normal case, not worth a note.
    }
  }

  const issuedAtMs = Math.min(nowMs, fromMs);
  const spanDays = Math.ceil((toMs - issuedAtMs) / DAY_MS);
  for (const s of sources) {
    try {
      const h = await s.history(zone, issuedAtMs - (BASELINE_FORECAST_DAYS + spanDays) * DAY_MS, issuedAtMs);
      if (h.kind === 'static' || h.points.length === 0) continue;
      const points = baselineForecast(h.points, { issuedAtMs, fromMs, toMs });
      if (covers(points, fromMs, needTo)) {
        return result('baseline-forecast', { signal: h.signal, source: `baseline forecast: mean of the same time of day over the last ${BASELINE_FORECAST_DAYS} days of ${h.source}` }, points);
      }
    } catch (e) {
      notes.push(`No baseline forecast from ${s.describe().name}: ${message(e)}`);
    }
  }

  if (region.annual) {
    const a = region.annual;
    notes.push('Only an annual average is known here: no hour is cleaner than another, so there is nothing to gain by waiting.');
    return result('static', { signal: 'average', source: `${a.source}${a.year === undefined ? '' : `, ${a.year}`} (annual average)` }, flatSeries(a.value, fromMs, toMs));
  }
  throw new GreenmlError(
    'INFEASIBLE',
    `No intensity for zone ${zone} between ${new Date(fromMs).toISOString()} and ${new Date(toMs).toISOString()} (${notes.join(' ') || 'nothing stored'}), and the catalog has no annual average for it. ` +
      `Import a series (greenml intensity import <file> --zone ${zone}), choose a provider with --source, or give a country or cloud region.`,
  );
}
