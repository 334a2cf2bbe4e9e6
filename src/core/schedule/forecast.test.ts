import { describe, expect, it } from 'vitest';
import { GreenmlError } from '../errors.js';
import type { IntensityPoint } from '../series.js';
import { baselineForecast, forecastError } from './forecast.js';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.UTC(2025, 0, 6);

/** Hourly history with a value per (day, hour). */
const history = (days: number, value: (day: number, hour: number) => number): IntensityPoint[] =>
  Array.from({ length: days * 24 }, (_, i) => ({ t: T0 + i * H, durationS: 3600, intensityGPerKwh: value(Math.floor(i / 24), i % 24) }));

describe('baselineForecast', () => {
  it('repeats a daily shape exactly', () => {
    const shape = (h: number): number => 200 + 100 * Math.sin((h / 24) * 2 * Math.PI);
    const hist = history(10, (_, h) => shape(h));
    const issued = T0 + 10 * DAY;
    const fc = baselineForecast(hist, { issuedAtMs: issued, fromMs: issued, toMs: issued + 36 * H });
    expect(fc).toHaveLength(36);
    fc.forEach((p, i) => {
      expect(p.t).toBe(issued + i * H);
      expect(p.durationS).toBe(3600);
      expect(p.intensityGPerKwh).toBeCloseTo(shape(i % 24), 9);
    });
  });

  it('averages the last N days at the same hour and never looks past the issue time', () => {
    // Day d has value 10·d at every hour (the history runs on to the end of day 8); issued on day 8 at 06:00.
    const hist = history(9, (d) => 10 * d);
    const issued = T0 + 8 * DAY + 6 * H;
    const fc = baselineForecast(hist, { issuedAtMs: issued, fromMs: issued + 22 * H, toMs: issued + 26 * H, days: 3 });
    // Day 9 04:00 and 05:00: day 8's slots had ended at the issue: days 8, 7, 6 -> 70.
    // Day 9 06:00 and 07:00: day 8's had not (its 80s are unknown then): days 7, 6, 5 -> 60.
    expect(fc.map((p) => p.intensityGPerKwh)).toEqual([70, 70, 60, 60]);
  });

  it('aligns slots to whole steps and skips missing days', () => {
    const hist = history(3, (d) => 100 + d).filter((p) => p.t < T0 + DAY || p.t >= T0 + 2 * DAY);
    const issued = T0 + 3 * DAY;
    const fc = baselineForecast(hist, { issuedAtMs: issued, fromMs: issued + 20 * 60_000, toMs: issued + H, stepS: 1800 });
    expect(fc.map((p) => [(p.t - issued) / 60_000, p.intensityGPerKwh])).toEqual([
      [0, (100 + 102) / 2],
      [30, (100 + 102) / 2],
    ]);
  });

  it('explains what history it needs', () => {
    const e = (() => {
      try {
        baselineForecast(history(1, () => 1), { issuedAtMs: T0 + 30 * DAY, fromMs: T0 + 30 * DAY, toMs: T0 + 31 * DAY });
      } catch (err) {
        return err as GreenmlError;
      }
      return null;
    })();
    expect(e?.code).toBe('INFEASIBLE');
    expect(e?.message).toContain('covers 2025-01-06T00:00Z – 2025-01-07T00:00Z');
    expect(() => baselineForecast([], { issuedAtMs: T0, fromMs: T0, toMs: T0 + H, stepS: 7 * 60 })).toThrow(/divide a day/);
  });
});

describe('forecastError', () => {
  it('computes MAE, RMSE, bias and MAPE against the time-weighted actuals', () => {
    const actual: IntensityPoint[] = [100, 200, 0, 50].map((v, i) => ({ t: T0 + i * H, durationS: 3600, intensityGPerKwh: v }));
    const forecast: IntensityPoint[] = [110, 180, 10, 50, 999].map((v, i) => ({ t: T0 + i * H, durationS: 3600, intensityGPerKwh: v }));
    const err = forecastError(forecast, actual);
    expect(err.n).toBe(4);
    expect(err.maeGPerKwh).toBe(10);
    expect(err.biasGPerKwh).toBe(0);
    expect(err.rmseGPerKwh).toBeCloseTo(Math.sqrt((100 + 400 + 100) / 4), 12);
    expect(err.mapePercent).toBeCloseTo((100 * (0.1 + 0.1 + 0)) / 3, 12);
  });

  it('compares a half-hourly forecast with hourly actuals by overlap', () => {
    const actual: IntensityPoint[] = [{ t: T0, durationS: 3600, intensityGPerKwh: 100 }];
    const forecast: IntensityPoint[] = [
      { t: T0, durationS: 1800, intensityGPerKwh: 90 },
      { t: T0 + 1800_000, durationS: 1800, intensityGPerKwh: 120 },
    ];
    expect(forecastError(forecast, actual)).toMatchObject({ n: 2, maeGPerKwh: 15, biasGPerKwh: 5 });
    expect(() => forecastError(forecast, [])).toThrow(GreenmlError);
  });
});
