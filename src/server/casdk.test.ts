import { describe, expect, it } from 'vitest';
import type { IntensityPoint } from '../core/index.js';
import { bestEmissions, forecastDto, isoOffset, timeSpan, toEmissionsData } from './casdk.js';

const T = Date.UTC(2023, 5, 1, 0, 0);
const MIN = 60_000;
const series = (stepMin: number, values: number[]): IntensityPoint[] => values.map((v, i) => ({ t: T + i * stepMin * MIN, durationS: stepMin * 60, intensityGPerKwh: v }));
const dto = (points: IntensityPoint[], windowSizeMin?: number, more: { dataStartAtMs?: number; dataEndAtMs?: number } = {}) =>
  forecastDto({ location: 'X', points, generatedAtMs: T, requestedAtMs: T, ...(windowSizeMin === undefined ? {} : { windowSizeMin }), ...more });

describe('Carbon Aware SDK shapes', () => {
  it('writes times as System.Text.Json writes a UTC DateTimeOffset, and durations as .NET TimeSpans', () => {
    expect(isoOffset(Date.UTC(2022, 4, 17, 20, 45, 11))).toBe('2022-05-17T20:45:11+00:00');
    expect(isoOffset(Date.UTC(2022, 4, 17, 20, 45, 11, 250))).toBe('2022-05-17T20:45:11.250+00:00');
    expect(timeSpan(3600)).toBe('01:00:00');
    expect(timeSpan(1800)).toBe('00:30:00');
    expect(timeSpan(90_061)).toBe('1.01:01:01');
    expect(toEmissionsData('DE', series(60, [233]))).toEqual([{ location: 'DE', time: '2023-06-01T00:00:00+00:00', rating: 233, duration: '01:00:00' }]);
  });

  it('keeps every point tied for the lowest rating (bylocations/best)', () => {
    const data = [...toEmissionsData('A', series(60, [300, 120, 250])), ...toEmissionsData('B', series(60, [120, 400]))];
    expect(bestEmissions(data).map((d) => [d.location, d.time])).toEqual([
      ['A', '2023-06-01T01:00:00+00:00'],
      ['B', '2023-06-01T00:00:00+00:00'],
    ]);
    expect(bestEmissions([])).toEqual([]);
  });
});

describe('forecast windows (the SDK rolling average, microsoft/carbon-aware-sdk#74 examples)', () => {
  // 5-minute points and a 10-minute job: the windows are the means of neighbouring pairs.
  it('10, 20, 30, 40, 5: the best start is the first slot, not the lowest single point', () => {
    const f = dto(series(5, [10, 20, 30, 40, 5]), 10);
    expect(f.forecastData.map((d) => d.value)).toEqual([15, 25, 35, 22.5]);
    expect(f.forecastData.every((d) => d.duration === 10)).toBe(true);
    expect(f.optimalDataPoints).toEqual([{ location: 'X', timestamp: '2023-06-01T00:00:00+00:00', duration: 10, value: 15 }]);
    expect(f.windowSize).toBe(10);
    expect(f.dataStartAt).toBe('2023-06-01T00:00:00+00:00');
    expect(f.dataEndAt).toBe('2023-06-01T00:25:00+00:00');
  });

  it('5, 55, 10, 10, 10: every tied window is optimal', () => {
    const f = dto(series(5, [5, 55, 10, 10, 10]), 10);
    expect(f.forecastData.map((d) => d.value)).toEqual([30, 32.5, 10, 10]);
    expect(f.optimalDataPoints.map((d) => d.timestamp)).toEqual(['2023-06-01T00:10:00+00:00', '2023-06-01T00:15:00+00:00']);
  });

  it('12, 11, 10, 12, 13: the window around the lowest point', () => {
    const f = dto(series(5, [12, 11, 10, 12, 13]), 10);
    expect(f.forecastData.map((d) => d.value)).toEqual([11.5, 10.5, 11, 12.5]);
    expect(f.optimalDataPoints.map((d) => d.value)).toEqual([10.5]);
  });

  it('starts windows at dataStartAt (mid-slot too), weighs partial points by overlap, and ends every window by dataEndAt', () => {
    // Hourly 100, 200, 300, 400; a 60-minute window from 00:30 to at most 03:00.
    const f = dto(series(60, [100, 200, 300, 400]), 60, { dataStartAtMs: T + 30 * MIN, dataEndAtMs: T + 180 * MIN });
    expect(f.forecastData.map((d) => [d.timestamp.slice(11, 16), d.value])).toEqual([
      ['00:30', 150],
      ['01:30', 250],
    ]);
    expect(f.dataEndAt).toBe('2023-06-01T03:00:00+00:00');
  });

  it('without a window size returns the points in the span, each its own window, duration in minutes', () => {
    const f = dto(series(30, [70, 60, 80]));
    expect(f.windowSize).toBe(0);
    expect(f.forecastData.map((d) => [d.duration, d.value])).toEqual([
      [30, 70],
      [30, 60],
      [30, 80],
    ]);
    expect(f.optimalDataPoints.map((d) => d.value)).toEqual([60]);
  });

  it('skips windows over a gap and refuses a span outside the forecast', () => {
    const gappy = [...series(60, [100, 200]), { t: T + 180 * MIN, durationS: 3600, intensityGPerKwh: 50 }];
    expect(dto(gappy, 60).forecastData.map((d) => d.value)).toEqual([100, 200, 50]);
    expect(dto(gappy, 120).forecastData.map((d) => d.value)).toEqual([150]);
    expect(() => dto(series(60, [1, 2]), 60, { dataStartAtMs: T - MIN })).toThrow(/dataStartAt .* is outside the forecast/);
    expect(() => dto(series(60, [1, 2]), 60, { dataEndAtMs: T + 3 * 60 * MIN })).toThrow(/dataEndAt .* is outside/);
    expect(() => dto(series(60, [1, 2]), 60, { dataStartAtMs: T + 60 * MIN, dataEndAtMs: T + 60 * MIN })).toThrow(/must be before/);
    expect(() => dto([], 60)).toThrow(/no forecast points/);
  });
});
