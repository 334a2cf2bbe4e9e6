/**
 * A baseline forecast for when a provider has none (files, the free tiers, most of the world):
 * each future slot gets the mean of the same time of day (UTC) over the last N complete days
 * before the forecast is made. It is a seasonal-naive forecast: it knows the daily shape (solar
 * noon, the evening peak) and nothing about tomorrow's weather. Measured by
 * bench/schedule-reproduction.mjs (docs/scheduling.md has the tables): for a 4-hour job at any hour
 * with +-4 or +-8 h of slack it keeps 90-97 % of the perfect-foresight saving in solar-driven
 * grids (CAISO, Spain 2023) and 54-75 % in wind-driven DE, GB, FR 2020, as shared/research/scheduling.md
 * §5 found; for short nightly jobs and long ML jobs in wind-driven grids it keeps much less, and
 * in Norway and Brazil it can do worse than not shifting. Day-ahead MAE: 74 g/kWh (DE 2020) to
 * 4 g/kWh (NO 2023).
 */
import { GreenmlError } from '../errors.js';
import { meanIntensityOver, type IntensityPoint } from '../series.js';
import { describeCoverage, iso, requireTime } from './coverage.js';

const DAY_MS = 86_400_000;
/** Days averaged by default: research §5 compared "yesterday" with a 7-day same-hour mean; 7 did better everywhere. */
export const BASELINE_FORECAST_DAYS = 7;

export interface BaselineForecastOptions {
  /** When the forecast is made: only history that ended by then is used. Epoch ms UTC. */
  issuedAtMs: number;
  /** The span to forecast, [fromMs, toMs); slots are aligned to whole steps since the epoch. */
  fromMs: number;
  toMs: number;
  /** Forecast step, seconds. Default: the step of the last history point before issuedAtMs, else one hour. */
  stepS?: number;
  /** Days averaged. Default 7. */
  days?: number;
}

function stepBefore(history: readonly IntensityPoint[], atMs: number): number {
  for (let i = history.length - 1; i >= 0; i--) {
    const p = history[i] as IntensityPoint;
    if (p.t < atMs) return p.durationS;
  }
  return 3600;
}

/** Same time-of-day mean over the last `days` complete days before issuedAtMs. */
export function baselineForecast(history: readonly IntensityPoint[], opts: BaselineForecastOptions): IntensityPoint[] {
  requireTime(opts.issuedAtMs, 'issuedAtMs');
  requireTime(opts.fromMs, 'fromMs');
  requireTime(opts.toMs, 'toMs');
  if (!(opts.toMs > opts.fromMs)) throw new GreenmlError('INVALID_INPUT', `The forecast span must end after it starts (${iso(opts.fromMs)} – ${iso(opts.toMs)}).`);
  const days = opts.days ?? BASELINE_FORECAST_DAYS;
  if (!(Number.isInteger(days) && days >= 1)) throw new GreenmlError('INVALID_INPUT', `The number of days averaged must be a whole number of at least 1, got ${String(days)}.`);
  const stepS = opts.stepS ?? stepBefore(history, opts.issuedAtMs);
  if (!(Number.isFinite(stepS) && stepS > 0 && DAY_MS % (stepS * 1000) === 0)) {
    throw new GreenmlError('INVALID_INPUT', `The forecast step must divide a day evenly (e.g. 300, 900, 1800 or 3600 s), got ${String(stepS)} s.`);
  }
  const stepMs = stepS * 1000;
  const out: IntensityPoint[] = [];
  for (let t = Math.floor(opts.fromMs / stepMs) * stepMs; t < opts.toMs; t += stepMs) {
    // The most recent day whose slot had ended when the forecast was made, and the days before it.
    const newest = Math.max(1, Math.ceil((t + stepMs - opts.issuedAtMs) / DAY_MS));
    let sum = 0;
    let n = 0;
    for (let d = newest; d < newest + days; d++) {
      const v = meanIntensityOver(history, t - d * DAY_MS, t - d * DAY_MS + stepMs);
      if (v !== null) {
        sum += v;
        n++;
      }
    }
    if (n === 0) {
      throw new GreenmlError(
        'INFEASIBLE',
        `A baseline forecast for ${iso(t)} needs history from the ${days} days before ${iso(opts.issuedAtMs)}; the history covers ${describeCoverage(history)}. ` +
          'Import or fetch at least a day of history first.',
      );
    }
    out.push({ t, durationS: stepS, intensityGPerKwh: sum / n });
  }
  return out;
}

export interface ForecastError {
  /** Forecast points that had an actual value to compare with. */
  n: number;
  /** Mean absolute error, g/kWh. */
  maeGPerKwh: number;
  rmseGPerKwh: number;
  /** Mean of forecast - actual, g/kWh: negative when the forecast runs low. */
  biasGPerKwh: number;
  /** Mean absolute percentage error, %, over points whose actual is not zero; null when there are none. */
  mapePercent: number | null;
}

/** Compares each forecast point with the time-weighted actual over the same interval. */
export function forecastError(forecast: readonly IntensityPoint[], actuals: readonly IntensityPoint[]): ForecastError {
  let n = 0;
  let abs = 0;
  let sq = 0;
  let signed = 0;
  let pct = 0;
  let pctN = 0;
  for (const p of forecast) {
    const actual = meanIntensityOver(actuals, p.t, p.t + p.durationS * 1000);
    if (actual === null) continue;
    const err = p.intensityGPerKwh - actual;
    n++;
    abs += Math.abs(err);
    sq += err * err;
    signed += err;
    if (actual !== 0) {
      pct += Math.abs(err / actual);
      pctN++;
    }
  }
  if (n === 0) {
    throw new GreenmlError('INFEASIBLE', `No forecast point overlaps the actual values (actuals cover ${describeCoverage(actuals)}); compare a forecast with actuals of the same span.`);
  }
  return { n, maeGPerKwh: abs / n, rmseGPerKwh: Math.sqrt(sq / n), biasGPerKwh: signed / n, mapePercent: pctN > 0 ? (100 * pct) / pctN : null };
}
