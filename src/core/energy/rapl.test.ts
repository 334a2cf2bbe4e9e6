import { describe, expect, it } from 'vitest';
import { raplDelta, raplDeltaPlausible, raplDeltaUj, raplMaxIntervalS, raplWrapPeriodS } from './rapl.js';

const INTEL_MAX_UJ = 262_143_328_850;

describe('RAPL deltas', () => {
  it('subtracts when the counter grows', () => {
    expect(raplDeltaUj(1_000, 5_000, INTEL_MAX_UJ)).toBe(4_000);
    expect(raplDelta(5, 5, INTEL_MAX_UJ)).toEqual({ deltaUj: 0, wrapped: false, exact: true });
  });
  it('adds the wrap when the counter goes down', () => {
    expect(raplDelta(INTEL_MAX_UJ - 10, 20, INTEL_MAX_UJ)).toEqual({ deltaUj: 30, wrapped: true, exact: true });
  });
  it('without a known maximum, keeps the energy counted since zero and says it is a lower bound', () => {
    expect(raplDelta(900, 100, undefined)).toEqual({ deltaUj: 100, wrapped: true, exact: false });
    expect(raplDelta(900, 100, 0)).toEqual({ deltaUj: 100, wrapped: true, exact: false });
    // A previous read above the claimed maximum means the maximum is wrong.
    expect(raplDelta(900, 100, 500)).toEqual({ deltaUj: 100, wrapped: true, exact: false });
  });
  it('rejects unreadable counters', () => {
    expect(() => raplDeltaUj(Number.NaN, 1, INTEL_MAX_UJ)).toThrow(/finite/);
    expect(() => raplDeltaUj(-1, 1, INTEL_MAX_UJ)).toThrow(/zero or more/);
  });
  it('derives a safe sampling interval and flags impossible deltas', () => {
    expect(raplMaxIntervalS(INTEL_MAX_UJ, 300)).toBeCloseTo(raplWrapPeriodS(INTEL_MAX_UJ, 300) / 2, 9);
    expect(raplDeltaPlausible(100e6, 1, 150)).toBe(true);
    expect(raplDeltaPlausible(200e6, 1, 150)).toBe(false);
    expect(raplDeltaPlausible(1, 0, 150)).toBe(false);
  });
});
