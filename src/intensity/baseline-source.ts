/**
 * Gives any source a forecast: the provider's own when it has one, otherwise core's baseline
 * forecast (the mean of the same time of day over the last N days of the source's history),
 * labelled as such so a plan never passes a guess off as a provider forecast.
 */
import { BASELINE_FORECAST_DAYS, baselineForecast } from '../core/index.js';
import type { IntensitySource } from './source.js';

const DAY_MS = 86_400_000;

export interface BaselineOptions {
  nowMs: () => number;
  /** Days averaged (default 7, see core/schedule/forecast.ts). */
  days?: number;
}

export function withBaselineForecast(source: IntensitySource, opts: BaselineOptions): IntensitySource {
  const days = opts.days ?? BASELINE_FORECAST_DAYS;
  return {
    id: source.id,
    describe: () => ({ ...source.describe(), forecasts: true }),
    current: (zone, atMs) => source.current(zone, atMs),
    history: (zone, fromMs, toMs) => source.history(zone, fromMs, toMs),
    async forecast(zone, fromMs, toMs) {
      const own = await source.forecast(zone, fromMs, toMs);
      if (own && own.kind === 'forecast' && own.points.length > 0) return own;
      const issuedAtMs = Math.min(opts.nowMs(), fromMs);
      // The newest usable day for a slot can be up to the span's length behind it; fetch that much more.
      const spanDays = Math.ceil((toMs - issuedAtMs) / DAY_MS);
      const history = await source.history(zone, issuedAtMs - (days + spanDays) * DAY_MS, issuedAtMs);
      return {
        zone,
        signal: history.signal,
        kind: 'forecast',
        source: `baseline forecast: mean of the same hour over the last ${days} days of ${history.source}`,
        points: baselineForecast(history.points, { issuedAtMs, fromMs, toMs, days }),
      };
    },
  };
}
