import { describe, expect, it } from 'vitest';
import type { IntensityPoint } from '../series.js';
import { operationalEmissionsG } from './operational.js';

const H = 3_600_000;
const hourly: IntensityPoint[] = [100, 200, 300, 400].map((v, i) => ({ t: i * H, durationS: 3600, intensityGPerKwh: v }));

describe('operational emissions', () => {
  it('with a constant intensity, is energy x intensity', () => {
    const r = operationalEmissionsG([{ startMs: 0, endMs: H, energyKwh: 2 }], 300);
    expect(r).toEqual({ co2eG: 600, meanIntensityGPerKwh: 300, coveredShare: 1, energyKwh: 2, uncoveredKwh: 0 });
  });

  it('charges each interval the intensity of its own hour', () => {
    const r = operationalEmissionsG(
      [
        { startMs: 0, endMs: H, energyKwh: 1 },
        { startMs: 3 * H, endMs: 4 * H, energyKwh: 3 },
      ],
      hourly,
    );
    expect(r.co2eG).toBeCloseTo(100 + 1200, 9);
    expect(r.meanIntensityGPerKwh).toBeCloseTo(1300 / 4, 9);
    expect(r.coveredShare).toBe(1);
  });

  it('splits an interval across points by time overlap', () => {
    // 2 kWh spread over 00:30-02:30: 0.5 kWh at 100, 1 kWh at 200, 0.5 kWh at 300.
    const r = operationalEmissionsG([{ startMs: H / 2, endMs: 2.5 * H, energyKwh: 2 }], hourly);
    expect(r.co2eG).toBeCloseTo(50 + 200 + 150, 9);
    expect(r.meanIntensityGPerKwh).toBeCloseTo(200, 9);
  });

  it('a time-resolved result differs from the annual mean when energy is uneven', () => {
    const intervals = [
      { startMs: 0, endMs: H, energyKwh: 4 },
      { startMs: 3 * H, endMs: 4 * H, energyKwh: 1 },
    ];
    const resolved = operationalEmissionsG(intervals, hourly).co2eG;
    const flat = operationalEmissionsG(intervals, 250).co2eG;
    expect(resolved).toBeCloseTo(800, 9);
    expect(flat).toBe(1250);
  });

  it('refuses to drop uncovered energy silently, and uses a fallback when given', () => {
    const intervals = [{ startMs: 3 * H, endMs: 5 * H, energyKwh: 2 }];
    expect(() => operationalEmissionsG(intervals, hourly)).toThrow(/covers only 50\.0 %.*fallback/);
    const withFallback = operationalEmissionsG(intervals, hourly, { fallbackGPerKwh: 250 });
    expect(withFallback.co2eG).toBeCloseTo(400 + 250, 9);
    expect(withFallback.coveredShare).toBeCloseTo(0.5, 12);
    expect(withFallback.uncoveredKwh).toBeCloseTo(1, 12);
    expect(withFallback.meanIntensityGPerKwh).toBeCloseTo(325, 9);
    const partial = operationalEmissionsG(intervals, hourly, { allowUncovered: true });
    expect(partial.co2eG).toBeCloseTo(400, 9);
    expect(partial.meanIntensityGPerKwh).toBeCloseTo(400, 9);
    expect(partial.uncoveredKwh).toBeCloseTo(1, 12);
  });

  it('handles gaps inside the series and instants', () => {
    const gappy = [hourly[0] as IntensityPoint, hourly[2] as IntensityPoint];
    const r = operationalEmissionsG([{ startMs: 0, endMs: 3 * H, energyKwh: 3 }], gappy, { fallbackGPerKwh: 1000 });
    expect(r.co2eG).toBeCloseTo(100 + 1000 + 300, 9);
    const instant = operationalEmissionsG([{ startMs: 1.5 * H, endMs: 1.5 * H, energyKwh: 1 }], hourly);
    expect(instant.co2eG).toBe(200);
  });

  it('reports a time-weighted intensity when no energy was used', () => {
    const r = operationalEmissionsG([{ startMs: 0, endMs: 2 * H, energyKwh: 0 }], hourly);
    expect(r.co2eG).toBe(0);
    expect(r.meanIntensityGPerKwh).toBeCloseTo(150, 9);
    expect(r.coveredShare).toBe(1);
  });

  it('rejects malformed input with what to fix', () => {
    expect(() => operationalEmissionsG([{ startMs: 10, endMs: 5, energyKwh: 1 }], 100)).toThrow(/ends .* before it starts/);
    expect(() => operationalEmissionsG([{ startMs: 0, endMs: 5, energyKwh: -1 }], 100)).toThrow(/zero or more/);
    const overlapping = [
      { t: 0, durationS: 3600, intensityGPerKwh: 1 },
      { t: H / 2, durationS: 3600, intensityGPerKwh: 1 },
    ];
    expect(() => operationalEmissionsG([{ startMs: 0, endMs: H, energyKwh: 1 }], overlapping)).toThrow(/without overlaps/);
  });

  it('is linear: splitting intervals in two does not change the result', () => {
    const whole = operationalEmissionsG([{ startMs: 0.2 * H, endMs: 3.7 * H, energyKwh: 7 }], hourly).co2eG;
    const split = operationalEmissionsG(
      [
        { startMs: 0.2 * H, endMs: 1.2 * H, energyKwh: 2 },
        { startMs: 1.2 * H, endMs: 3.7 * H, energyKwh: 5 },
      ],
      hourly,
    ).co2eG;
    expect(split).toBeCloseTo(whole, 9);
  });
});
