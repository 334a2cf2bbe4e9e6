import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselineForecast, factor } from '../core/index.js';
import { withBaselineForecast } from './baseline-source.js';
import { fileSource } from './file-source.js';
import { staticSource } from './static-source.js';

const H = 3_600_000;

describe('staticSource', () => {
  const lookup = (zone: string) => {
    if (zone !== 'FR') throw new Error(`unknown ${zone}`);
    return factor(56, 'gCO2e/kWh', { source: 'Ember via Our World in Data', year: 2023 });
  };

  it('gives a flat, hour-aligned series labelled static with the source and year', async () => {
    const s = staticSource(lookup);
    const series = await s.history('FR', Date.UTC(2024, 0, 1, 10, 30), Date.UTC(2024, 0, 1, 13));
    expect(series).toMatchObject({ zone: 'FR', signal: 'average', kind: 'static', source: 'Ember via Our World in Data, 2023 (annual average)' });
    expect(series.points).toEqual([10, 11, 12].map((h) => ({ t: Date.UTC(2024, 0, 1, h), durationS: 3600, intensityGPerKwh: 56 })));
    expect((await s.current('FR', Date.UTC(2024, 0, 1, 10, 30))).points).toHaveLength(1);
    expect((await s.forecast('FR', 0, H))?.kind).toBe('static');
  });

  it('refuses a factor that is not in g/kWh', async () => {
    const s = staticSource(() => factor(0.056, 'kgCO2e/kWh', { source: 'x' }));
    await expect(s.history('FR', 0, H)).rejects.toThrow(/expected gCO2e\/kWh/);
  });
});

describe('withBaselineForecast', () => {
  it('forecasts a file source from its history, labelled as a baseline', async () => {
    const file = fileSource([{ path: join(process.cwd(), 'test/fixtures/intensity/files/ES_2023-06-01_hourly.csv') }]);
    const now = Date.UTC(2023, 5, 3);
    const s = withBaselineForecast(file, { nowMs: () => now, days: 2 });
    const fc = await s.forecast('ES', now, now + 12 * H);
    const history = await file.history('ES', Date.UTC(2023, 5, 1), now);
    expect(fc).toMatchObject({ zone: 'ES', kind: 'forecast', signal: 'average' });
    expect(fc?.source).toMatch(/^baseline forecast: mean of the same hour over the last 2 days of ES_2023-06-01_hourly.csv/);
    expect(fc?.points).toEqual(baselineForecast(history.points, { issuedAtMs: now, fromMs: now, toMs: now + 12 * H, days: 2 }));
    expect(fc?.points[0]!.intensityGPerKwh).toBeCloseTo((history.points[0]!.intensityGPerKwh + history.points[24]!.intensityGPerKwh) / 2, 9);
  });
});
