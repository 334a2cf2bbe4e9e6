import { describe, expect, it } from 'vitest';
import { leftHoldJ, meanPowerW, trapezoidJ } from './integrate.js';

describe('integration of power samples', () => {
  const ramp = [
    { t: 0, powerW: 100 },
    { t: 1000, powerW: 200 },
    { t: 3000, powerW: 200 },
  ];
  it('trapezoid averages neighbouring samples', () => {
    expect(trapezoidJ(ramp)).toBe(150 + 400);
    expect(trapezoidJ([])).toBe(0);
    expect(trapezoidJ([{ t: 5, powerW: 300 }])).toBe(0);
  });
  it('left-hold keeps each power until the next sample, and the last one until the end', () => {
    expect(leftHoldJ(ramp)).toBe(100 + 400);
    expect(leftHoldJ(ramp, 4000)).toBe(100 + 400 + 200);
    expect(() => leftHoldJ(ramp, 2000)).toThrow(/before the last sample/);
  });
  it('a constant power integrates to power x time whatever the spacing', () => {
    const flat = [0, 250, 1000, 1100, 5000].map((t) => ({ t, powerW: 42 }));
    expect(trapezoidJ(flat)).toBeCloseTo(42 * 5, 9);
    expect(leftHoldJ(flat)).toBeCloseTo(42 * 5, 9);
    expect(meanPowerW(trapezoidJ(flat), 5)).toBeCloseTo(42, 9);
    expect(meanPowerW(10, 0)).toBe(0);
  });
  it('rejects samples out of order', () => {
    expect(() => trapezoidJ([{ t: 10, powerW: 1 }, { t: 5, powerW: 1 }])).toThrow(/time order/);
  });
});
