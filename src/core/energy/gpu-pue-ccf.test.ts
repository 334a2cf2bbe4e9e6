import { describe, expect, it } from 'vitest';
import { ccfComputeKwh, ccfMemoryKwh } from './ccf.js';
import { gpuCounterDelta, gpuEnergyJFromSamples, gpuPowerW } from './gpu.js';
import { predictTotal } from './predict.js';
import { applyPue, PUE_UNKNOWN_DATA_CENTRE, validatePue } from './pue.js';

describe('GPU energy', () => {
  it('reads the NVML counter delta in mJ, and treats a decrease as a reset', () => {
    expect(gpuCounterDelta(1_000, 4_500)).toEqual({ energyJ: 3.5, reset: false });
    expect(gpuCounterDelta(9_000, 2_000)).toEqual({ energyJ: 2, reset: true });
  });
  it('integrates sampled power and models utilisation between idle and max', () => {
    expect(gpuEnergyJFromSamples([{ t: 0, powerW: 300 }, { t: 2000, powerW: 100 }])).toBe(400);
    expect(gpuPowerW(46, 407, 0)).toBe(46);
    expect(gpuPowerW(46, 407, 1)).toBe(407);
    expect(gpuPowerW(0, 400, 0.5)).toBe(200);
    expect(() => gpuPowerW(0, 400, 50)).toThrow(/pass 0\.5/);
  });
});

describe('PUE', () => {
  it('multiplies IT energy and refuses values below 1 or absurdly high', () => {
    expect(applyPue(10, 1.5)).toBe(15);
    expect(validatePue(PUE_UNKNOWN_DATA_CENTRE.value)).toBe(1.56);
    expect(() => validatePue(0.9)).toThrow(/at least 1/);
    expect(() => validatePue(Number.NaN)).toThrow(/at least 1/);
    expect(() => validatePue(12)).toThrow(/implausible/);
  });
});

describe('CCF estimators and prediction', () => {
  it('needs either an average power or min and max', () => {
    expect(() => ccfComputeKwh({ vcpuHours: 1, pue: 1 })).toThrow(/averageW/);
    expect(ccfComputeKwh({ vcpuHours: 2, pue: 1, averageW: 500 })).toBe(1);
    expect(ccfMemoryKwh({ gbHours: 1000, pue: 1 })).toBeCloseTo(0.392, 12);
  });
  it('predicts a total from finished units and refuses to guess from none', () => {
    expect(predictTotal([1, 3], 10)).toBe(20);
    expect(() => predictTotal([], 10)).toThrow(/at least one/);
  });
});
