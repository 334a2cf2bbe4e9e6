/**
 * The GB Carbon Intensity API (National Energy System Operator, api.carbonintensity.org.uk; no key;
 * data CC BY 4.0). Half-hourly, average, production-based. Zones:
 *   - "GB": national; actual values for history (/intensity/{from}/{to}, at most 14 days a call),
 *     forecast /intensity/{from}/fw48h, current /intensity/{at};
 *   - "GB:region:<1-17>" and "GB:postcode:<outward code>": regional (current /regional/regionid/{id}
 *     or /regional/postcode/{code}, fw48h, ranges); the API publishes only
 *     forecasts for regions (no actuals), so regional history is kind "forecast" too.
 */
import { GreenmlError, type IntensityPoint, type IntensitySeries } from '../core/index.js';
import { defaultFetch, getJson, isRecord, unexpected, type Provider } from './http.js';
import { checkSpan, overlapping, pointAt } from './series-kit.js';
import type { FetchLike, IntensitySource, SourceDescription } from './source.js';
import { isoMinute, parseTimestamp } from './time.js';

const HALF_HOUR_MS = 1_800_000;
/** "/intensity/{from}/{to}": the maximum date range is limited to 14 days (API documentation). */
const RANGE_MAX_MS = 14 * 86_400_000;
const FW48H_MS = 48 * 3_600_000;

type GbZone = { kind: 'national' } | { kind: 'region'; id: string } | { kind: 'postcode'; code: string };

export function parseGbZone(zone: string): GbZone {
  const z = zone.trim();
  if (/^GB$/i.test(z)) return { kind: 'national' };
  const region = /^GB:region:(\d{1,2})$/i.exec(z);
  if (region && Number(region[1]) >= 1 && Number(region[1]) <= 17) return { kind: 'region', id: String(Number(region[1])) };
  const postcode = /^GB:postcode:([A-Z]{1,2}\d[A-Z\d]?)(?:\s*\d[A-Z]{2})?$/i.exec(z);
  if (postcode) return { kind: 'postcode', code: (postcode[1] as string).toUpperCase() };
  throw new GreenmlError(
    'UNKNOWN_ID',
    `"${zone}" is not a zone of the GB Carbon Intensity API. Use GB (national), GB:region:<1-17> (e.g. GB:region:13 for London) or GB:postcode:<outward code> (e.g. GB:postcode:OX1).`,
  );
}

export interface GbCarbonIntensityOptions {
  baseUrl?: string;
  fetch?: FetchLike;
}

export function gbCarbonIntensitySource(opts: GbCarbonIntensityOptions = {}): IntensitySource {
  const base = (opts.baseUrl ?? 'https://api.carbonintensity.org.uk').replace(/\/$/, '');
  const fetchFn = opts.fetch ?? defaultFetch;
  const provider: Provider = { name: 'the GB Carbon Intensity API' };
  const label = 'GB Carbon Intensity API (NESO; CC BY 4.0)';

  const get = (path: string): Promise<unknown> => getJson(fetchFn, `${base}${path}`, provider);
  const regionalPath = (z: GbZone): string => (z.kind === 'region' ? `regionid/${z.id}` : z.kind === 'postcode' ? `postcode/${z.code}` : '');

  /** Half-hour entries to points, reading `field` ("actual" or "forecast"); null values are gaps. */
  const toPoints = (entries: unknown, field: 'actual' | 'forecast'): IntensityPoint[] => {
    if (!Array.isArray(entries)) throw unexpected(provider, 'data is not a list');
    const out: IntensityPoint[] = [];
    for (const e of entries) {
      if (!isRecord(e) || typeof e.from !== 'string' || !isRecord(e.intensity)) throw unexpected(provider, 'an entry without from and intensity');
      const value = e.intensity[field];
      if (value === null || value === undefined) continue;
      if (typeof value !== 'number') throw unexpected(provider, `intensity.${field} ${String(value)}`);
      const from = parseTimestamp(e.from, false);
      const to = typeof e.to === 'string' ? parseTimestamp(e.to, false) : null;
      if (!from.ok) throw unexpected(provider, from.message);
      const durationS = to && to.ok && to.ms > from.ms ? (to.ms - from.ms) / 1000 : HALF_HOUR_MS / 1000;
      out.push({ t: from.ms, durationS, intensityGPerKwh: value });
    }
    return out.sort((a, b) => a.t - b.t);
  };

  /** Regional bodies nest the half-hours in data.data (fw48h) or data[0].data (current). */
  const regionalEntries = (body: unknown): unknown => {
    const data = isRecord(body) ? body.data : undefined;
    const region = Array.isArray(data) ? data[0] : data;
    if (!isRecord(region)) throw unexpected(provider, 'regional data without a region');
    return region.data;
  };
  const nationalEntries = (body: unknown): unknown => (isRecord(body) ? body.data : undefined);

  const series = (zone: string, kind: IntensitySeries['kind'], points: IntensityPoint[]): IntensitySeries => ({
    zone,
    signal: 'average',
    kind,
    source: label,
    points,
  });

  const forecast = async (zone: string, fromMs: number, toMs: number): Promise<IntensitySeries> => {
    checkSpan(fromMs, toMs);
    const z = parseGbZone(zone);
    const points: IntensityPoint[] = [];
    // fw48h answers the 48 hours from the half-hour at `from`; ask again past that.
    for (let start = Math.floor(fromMs / HALF_HOUR_MS) * HALF_HOUR_MS; start < toMs; start += FW48H_MS) {
      if (z.kind === 'national') points.push(...toPoints(nationalEntries(await get(`/intensity/${isoMinute(start)}/fw48h`)), 'forecast'));
      else points.push(...toPoints(regionalEntries(await get(`/regional/intensity/${isoMinute(start)}/fw48h/${regionalPath(z)}`)), 'forecast'));
    }
    const unique = [...new Map(points.map((p) => [p.t, p])).values()];
    return series(zone, 'forecast', overlapping(unique, fromMs, toMs));
  };

  return {
    id: 'gb',
    describe: (): SourceDescription => ({
      id: 'gb',
      name: label,
      signal: 'average',
      forecasts: true,
      refreshS: 1800,
      url: 'https://api.carbonintensity.org.uk',
      licence: 'CC BY 4.0 (National Energy System Operator)',
      notes: 'Great Britain only; regions have forecasts but no actuals.',
    }),
    async current(zone, atMs) {
      const z = parseGbZone(zone);
      if (z.kind === 'national') {
        const entries = nationalEntries(await get(`/intensity/${isoMinute(atMs)}`));
        const actual = toPoints(entries, 'actual');
        const covering = actual.find((p) => p.t <= atMs && atMs < p.t + p.durationS * 1000);
        if (covering) return series(zone, 'actual', [covering]);
        return pointAt(series(zone, 'forecast', toPoints(entries, 'forecast')), atMs);
      }
      // The regional "current" endpoint answers the half-hour in progress; other times come from fw48h.
      const now = series(zone, 'forecast', toPoints(regionalEntries(await get(`/regional/${regionalPath(z)}`)), 'forecast'));
      if (now.points.some((p) => p.t <= atMs && atMs < p.t + p.durationS * 1000)) return pointAt(now, atMs);
      return pointAt(await forecast(zone, atMs, atMs + HALF_HOUR_MS), atMs);
    },
    async history(zone, fromMs, toMs) {
      checkSpan(fromMs, toMs);
      const z = parseGbZone(zone);
      const points: IntensityPoint[] = [];
      for (let start = fromMs; start < toMs; start += RANGE_MAX_MS) {
        const end = Math.min(toMs, start + RANGE_MAX_MS);
        if (z.kind === 'national') points.push(...toPoints(nationalEntries(await get(`/intensity/${isoMinute(start)}/${isoMinute(end)}`)), 'actual'));
        else points.push(...toPoints(regionalEntries(await get(`/regional/intensity/${isoMinute(start)}/${isoMinute(end)}/${regionalPath(z)}`)), 'forecast'));
      }
      const unique = [...new Map(points.map((p) => [p.t, p])).values()];
      return series(zone, z.kind === 'national' ? 'actual' : 'forecast', overlapping(unique, fromMs, toMs));
    },
    forecast,
  };
}
