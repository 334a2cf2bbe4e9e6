/**
 * WattTime API v3: GET /login with Basic auth gives a bearer token (re-fetched once on a 401 or
 * 403, as the Carbon Aware SDK does); /v3/historical (at most 32 days per call) and /v3/forecast
 * (up to 72 h). Values are lbs CO2/MWh, converted with gPerKwhFromLbsPerMwh. Signal co2_moer is
 * marginal (the default: what WattTime is for), co2_aoer average; WattTime forecasts MOER only,
 * so forecast() is null for the average signal.
 */
import { GreenmlError, gPerKwhFromLbsPerMwh, isGreenmlError, type IntensityPoint, type IntensitySeries, type IntensitySignal } from '../core/index.js';
import { defaultFetch, getJson, isRecord, unexpected, type Provider } from './http.js';
import { checkSpan, overlapping, pointAt } from './series-kit.js';
import type { FetchLike, IntensitySource, SourceDescription } from './source.js';
import { isoUtc, parseTimestamp } from './time.js';

const HOUR_MS = 3_600_000;
/** "The request to /v3/historical is limited to 32 days per request" (WattTime v2 -> v3 transition guide). */
const HISTORICAL_MAX_MS = 32 * 24 * HOUR_MS;
const FORECAST_MAX_HOURS = 72;

export interface WattTimeOptions {
  username: string;
  password: string;
  signal?: IntensitySignal;
  baseUrl?: string;
  fetch?: FetchLike;
  nowMs?: () => number;
}

export function wattTimeSource(opts: WattTimeOptions): IntensitySource {
  if (!opts.username || !opts.password) {
    throw new GreenmlError('INVALID_INPUT', 'WattTime needs a username and password: set GREENML_WATTTIME_USERNAME and GREENML_WATTTIME_PASSWORD.');
  }
  const base = (opts.baseUrl ?? 'https://api.watttime.org').replace(/\/$/, '');
  const fetchFn = opts.fetch ?? defaultFetch;
  const now = opts.nowMs ?? Date.now;
  const signal: IntensitySignal = opts.signal ?? 'marginal';
  const signalType = signal === 'marginal' ? 'co2_moer' : 'co2_aoer';
  const provider: Provider = { name: 'WattTime', credentials: 'GREENML_WATTTIME_USERNAME and GREENML_WATTTIME_PASSWORD' };
  const label = `WattTime API v3 (${signalType})`;
  let token: string | null = null;

  const login = async (): Promise<string> => {
    const basic = Buffer.from(`${opts.username}:${opts.password}`).toString('base64');
    const body = await getJson(fetchFn, `${base}/login`, provider, { authorization: `Basic ${basic}` });
    if (!isRecord(body) || typeof body.token !== 'string') throw unexpected(provider, 'login without a token');
    token = body.token;
    return token;
  };

  const call = async (path: string, params: Record<string, string>): Promise<unknown> => {
    const url = `${base}/v3/${path}?${new URLSearchParams({ ...params, signal_type: signalType })}`;
    const bearer = token ?? (await login());
    try {
      return await getJson(fetchFn, url, provider, { authorization: `Bearer ${bearer}` });
    } catch (e) {
      const status = isGreenmlError(e) ? e.details?.status : undefined;
      if (status !== 401 && status !== 403) throw e;
      return getJson(fetchFn, url, provider, { authorization: `Bearer ${await login()}` });
    }
  };

  const toPoints = (body: unknown, items: unknown): IntensityPoint[] => {
    const meta = isRecord(body) && isRecord(body.meta) ? body.meta : {};
    if (meta.units !== undefined && meta.units !== 'lbs_co2_per_mwh') throw unexpected(provider, `units ${String(meta.units)}, expected lbs_co2_per_mwh`);
    if (!Array.isArray(items)) throw unexpected(provider, 'data is not a list');
    const rows = items.map((item) => {
      if (!isRecord(item) || typeof item.point_time !== 'string' || typeof item.value !== 'number') throw unexpected(provider, 'a data point without point_time and value');
      const t = parseTimestamp(item.point_time, false);
      if (!t.ok) throw unexpected(provider, t.message);
      return { t: t.ms, lbs: item.value, frequency: typeof item.frequency === 'number' ? item.frequency : undefined };
    });
    rows.sort((a, b) => a.t - b.t);
    const period = typeof meta.data_point_period_seconds === 'number' ? meta.data_point_period_seconds : undefined;
    const spacing = rows.length > 1 ? ((rows[1] as { t: number }).t - (rows[0] as { t: number }).t) / 1000 : undefined;
    return rows.map((r) => ({ t: r.t, durationS: r.frequency ?? period ?? spacing ?? 300, intensityGPerKwh: gPerKwhFromLbsPerMwh(r.lbs) }));
  };

  const series = (zone: string, kind: IntensitySeries['kind'], points: IntensityPoint[]): IntensitySeries => ({ zone, signal, kind, source: label, points });

  const history = async (zone: string, fromMs: number, toMs: number): Promise<IntensitySeries> => {
    checkSpan(fromMs, toMs);
    const points: IntensityPoint[] = [];
    for (let start = fromMs; start < toMs; start += HISTORICAL_MAX_MS) {
      const end = Math.min(toMs, start + HISTORICAL_MAX_MS);
      const body = await call('historical', { region: zone, start: isoUtc(start), end: isoUtc(end) });
      points.push(...toPoints(body, isRecord(body) ? body.data : undefined));
    }
    const unique = [...new Map(points.map((p) => [p.t, p])).values()];
    return series(zone, 'actual', overlapping(unique, fromMs, toMs));
  };

  return {
    id: 'watttime',
    describe: (): SourceDescription => ({
      id: 'watttime',
      name: label,
      signal,
      forecasts: signal === 'marginal',
      refreshS: 300,
      url: 'https://api.watttime.org',
      licence: 'WattTime terms of use',
      notes: signal === 'marginal' ? 'Marginal operating emissions rate (MOER): what one more kWh emits now.' : 'Average operating emissions rate (AOER), historical only.',
    }),
    async current(zone, atMs) {
      return pointAt(await history(zone, atMs - HOUR_MS, atMs + HOUR_MS), atMs);
    },
    history,
    async forecast(zone, fromMs, toMs) {
      checkSpan(fromMs, toMs);
      if (signal !== 'marginal') return null;
      const hours = Math.min(FORECAST_MAX_HOURS, Math.max(1, Math.ceil((toMs - now()) / HOUR_MS)));
      const body = await call('forecast', { region: zone, horizon_hours: String(hours) });
      return series(zone, 'forecast', overlapping(toPoints(body, isRecord(body) ? body.data : undefined), fromMs, toMs));
    },
  };
}
