import { describe, expect, it } from 'vitest';
import type { IntensityPoint } from '../series.js';
import { bestRegionWindow } from './region.js';

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 6);
const hourly = (values: number[]): IntensityPoint[] => values.map((v, i) => ({ t: T0 + i * H, durationS: 3600, intensityGPerKwh: v }));
const spec = { durationS: 7200, earliestStartMs: T0, deadlineMs: T0 + 6 * H };

describe('bestRegionWindow', () => {
  it('picks the region and window with the lowest mean and measures the saving at home', () => {
    const plan = bestRegionWindow(
      [
        { region: 'DE', points: hourly([400, 380, 300, 250, 260, 300]) },
        { region: 'FR', points: hourly([60, 55, 40, 35, 50, 60]) },
        { region: 'GB', points: hourly([200, 150, 120, 180, 200, 210]) },
      ],
      spec,
    );
    expect(plan.region).toBe('FR');
    expect(plan.startMs).toBe(T0 + 2 * H);
    expect(plan.meanIntensityGPerKwh).toBe(37.5);
    expect(plan.baseline).toEqual({ region: 'DE', startMs: T0, endMs: T0 + 2 * H, meanIntensityGPerKwh: 390, co2eG: 390 });
    expect(plan.savingRatio).toBeCloseTo(1 - 37.5 / 390, 12);
    expect(plan.alternatives.map((a) => [a.region, a.startMs === null ? null : (a.startMs - T0) / H, a.meanIntensityGPerKwh])).toEqual([
      ['DE', 3, 255],
      ['FR', 2, 37.5],
      ['GB', 1, 135],
    ]);
  });

  it('breaks ties by the earliest start, then by the order given', () => {
    const later = bestRegionWindow(
      [
        { region: 'A', points: hourly([100, 100, 50, 50, 100, 100]) },
        { region: 'B', points: hourly([100, 50, 50, 100, 100, 100]) },
      ],
      spec,
    );
    expect([later.region, (later.startMs - T0) / H]).toEqual(['B', 1]);
    const same = bestRegionWindow(
      [
        { region: 'B', points: hourly([100, 50, 50, 100, 100, 100]) },
        { region: 'A', points: hourly([100, 50, 50, 100, 100, 100]) },
      ],
      spec,
    );
    expect(same.region).toBe('B');
  });

  it('skips a region whose series does not cover the span and plans interruptible jobs too', () => {
    const plan = bestRegionWindow(
      [
        { region: 'home', points: hourly([300, 10, 300, 10, 300, 300]) },
        { region: 'short', points: hourly([1]) },
      ],
      { ...spec, minChunkS: 3600, maxPauses: 1 },
    );
    expect(plan.region).toBe('home');
    expect(plan.strategy).toBe('interruptible');
    expect(plan.chunks.map((c) => (c.startMs - T0) / H)).toEqual([1, 3]);
    expect(plan.alternatives[1]).toEqual({ region: 'short', startMs: null, meanIntensityGPerKwh: null });
  });

  it('refuses to mix average and marginal signals, duplicates and an empty list', () => {
    expect(() =>
      bestRegionWindow(
        [
          { region: 'A', points: hourly([1, 1, 1, 1, 1, 1]), signal: 'average' },
          { region: 'B', points: hourly([1, 1, 1, 1, 1, 1]), signal: 'marginal' },
        ],
        spec,
      ),
    ).toThrow(/mix average and marginal/);
    expect(() => bestRegionWindow([{ region: 'A', points: hourly([1]) }, { region: 'A', points: hourly([1]) }], spec)).toThrow(/twice/);
    expect(() => bestRegionWindow([], spec)).toThrow(/at least one region/);
  });
});
