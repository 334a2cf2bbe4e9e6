/**
 * Electricity Maps API v3 (header `auth-token`): carbon-intensity/latest, /history (the last
 * 24 hours, on every plan), /past-range (older spans, at most 10 days of hourly data per call)
 * and /forecast (paid plans, up to 72 hours). An average, consumption-based (flow-traced) signal;
 * emissionFactorType lifecycle (the API's default) or direct.
 */
import { GreenmlError, type IntensityPoint, type IntensitySeries } from '../core/index.js';
import { defaultFetch, getJson, isRecord, unexpected, type Provider } from './http.js';
import { checkSpan, overlapping, pointAt } from './series-kit.js';
import type { FetchLike, IntensitySource, SourceDescription } from './source.js';
import { isoUtc, parseTimestamp } from './time.js';

const HOUR_MS = 3_600_000;
/** past-range serves at most 10 days of hourly data per request (Electricity Maps API docs, v3). */
const PAST_RANGE_MAX_MS = 10 * 24 * HOUR_MS;
/** The forecast endpoint's longest horizon (horizonHours <= 72, v3 docs). */
const FORECAST_MAX_HOURS = 72;
const GRANULARITY_S: Record<string, number> = { '5_minutes': 300, '15_minutes': 900, hourly: 3600, daily: 86_400 };

export interface ElectricityMapsOptions {
  token: string;
  emissionFactorType?: 'lifecycle' | 'direct';
  disableEstimations?: boolean;
  baseUrl?: string;
  fetch?: FetchLike;
  /** The clock, to choose /history (last 24 h) or /past-range and the forecast horizon. */
  nowMs?: () => number;
}

export function electricityMapsSource(opts: ElectricityMapsOptions): IntensitySource {
  if (!opts.token) {
    throw new GreenmlError('INVALID_INPUT', 'Electricity Maps needs an API token: set GREENML_ELECTRICITYMAPS_TOKEN (or electricitymapsToken in greenml.config.json).');
  }
  const base = (opts.baseUrl ?? 'https://api.electricitymaps.com/v3').replace(/\/$/, '');
  const factorType = opts.emissionFactorType ?? 'lifecycle';
  const fetchFn = opts.fetch ?? defaultFetch;
  const now = opts.nowMs ?? Date.now;
  const provider: Provider = { name: 'Electricity Maps', credentials: 'the token in GREENML_ELECTRICITYMAPS_TOKEN' };
  const label = `Electricity Maps API v3 (${factorType})`;

  const call = (path: string, params: Record<string, string>): Promise<unknown> => {
    const q = new URLSearchParams({ ...params, emissionFactorType: factorType, ...(opts.disableEstimations ? { disableEstimations: 'true' } : {}) });
    return getJson(fetchFn, `${base}/${path}?${q}`, provider, { 'auth-token': opts.token });
  };

  const toPoints = (items: unknown, what: string): IntensityPoint[] => {
    if (!Array.isArray(items)) throw unexpected(provider, `${what} is not a list`);
    const out: IntensityPoint[] = [];
    for (const item of items) {
      if (!isRecord(item) || typeof item.datetime !== 'string') throw unexpected(provider, `${what} entry without a datetime`);
      if (item.carbonIntensity === null || item.carbonIntensity === undefined) continue; // no value for that hour: a gap
      if (typeof item.carbonIntensity !== 'number' || !Number.isFinite(item.carbonIntensity)) throw unexpected(provider, `carbonIntensity ${String(item.carbonIntensity)}`);
      const t = parseTimestamp(item.datetime, false);
      if (!t.ok) throw unexpected(provider, t.message);
      const durationS = (typeof item.temporalGranularity === 'string' ? GRANULARITY_S[item.temporalGranularity] : undefined) ?? 3600;
      out.push({ t: t.ms, durationS, intensityGPerKwh: item.carbonIntensity });
    }
    return out.sort((a, b) => a.t - b.t);
  };

  const series = (zone: string, kind: IntensitySeries['kind'], points: IntensityPoint[]): IntensitySeries => ({ zone, signal: 'average', kind, source: label, points });

  const history = async (zone: string, fromMs: number, toMs: number): Promise<IntensitySeries> => {
    checkSpan(fromMs, toMs);
    const points: IntensityPoint[] = [];
    if (fromMs >= now() - 24 * HOUR_MS) {
      const body = await call('carbon-intensity/history', { zone });
      if (!isRecord(body)) throw unexpected(provider, 'history is not an object');
      points.push(...toPoints(body.history, 'history'));
    } else {
      for (let start = fromMs; start < toMs; start += PAST_RANGE_MAX_MS) {
        const end = Math.min(toMs, start + PAST_RANGE_MAX_MS);
        const body = await call('carbon-intensity/past-range', { zone, start: isoUtc(start), end: isoUtc(end) });
        if (!isRecord(body)) throw unexpected(provider, 'past-range is not an object');
        points.push(...toPoints(body.data ?? body.history, 'past-range data'));
      }
    }
    const unique = [...new Map(points.map((p) => [p.t, p])).values()];
    return series(zone, 'actual', overlapping(unique, fromMs, toMs));
  };

  return {
    id: 'electricitymaps',
    describe: (): SourceDescription => ({
      id: 'electricitymaps',
      name: label,
      signal: 'average',
      forecasts: true,
      refreshS: 3600,
      url: 'https://api.electricitymaps.com',
      licence: 'Electricity Maps terms of use (API); portal exports ODbL',
      notes: 'Average, consumption-based (flow-traced). Forecasts need a paid plan.',
    }),
    async current(zone, atMs) {
      const body = await call('carbon-intensity/latest', { zone });
      const latest = series(zone, 'actual', toPoints([body], 'latest'));
      const covering = latest.points.some((p) => p.t <= atMs && atMs < p.t + p.durationS * 1000);
      return covering ? latest : pointAt(await history(zone, atMs - HOUR_MS, atMs + HOUR_MS), atMs);
    },
    history,
    async forecast(zone, fromMs, toMs) {
      checkSpan(fromMs, toMs);
      const hours = Math.min(FORECAST_MAX_HOURS, Math.max(1, Math.ceil((toMs - now()) / HOUR_MS)));
      const body = await call('carbon-intensity/forecast', { zone, horizonHours: String(hours) });
      if (!isRecord(body)) throw unexpected(provider, 'forecast is not an object');
      return series(zone, 'forecast', overlapping(toPoints(body.forecast, 'forecast'), fromMs, toMs));
    },
  };
}
