import { describe, expect, it } from 'vitest';
import {
  ccfLinearPowerW,
  codecarbonCpuLoadPowerW,
  constantTdpPowerW,
  cpuCapacityCores,
  cpuPowerW,
  describeCpuModel,
  teadsFactor,
  teadsPowerW,
  utilizationFromCores,
  type CpuPowerModel,
} from './cpu-models.js';

describe('CPU power models', () => {
  it('CCF linear goes from min at idle to max at full load', () => {
    expect(ccfLinearPowerW(0.64, 3.97, 0)).toBe(0.64);
    expect(ccfLinearPowerW(0.64, 3.97, 1)).toBeCloseTo(3.97, 12);
    expect(ccfLinearPowerW(0.74, 3.5, 0.5)).toBeCloseTo(2.12, 12);
    expect(() => ccfLinearPowerW(3, 1, 0.5)).toThrow(/below minimum/);
  });

  it('Teads linear passes through the published points and interpolates between them', () => {
    expect(teadsFactor(0)).toBeCloseTo(0.12, 12);
    expect(teadsFactor(0.1)).toBeCloseTo(0.32, 12);
    expect(teadsFactor(0.5)).toBeCloseTo(0.75, 12);
    expect(teadsFactor(1)).toBeCloseTo(1.02, 12);
    // IF's builtins docs: linear at 1 % = 0.14, at 75 % = 0.885.
    expect(teadsFactor(0.01)).toBeCloseTo(0.14, 12);
    expect(teadsFactor(0.75)).toBeCloseTo(0.885, 12);
    expect(teadsPowerW(200, 0.5)).toBeCloseTo(150, 12);
  });

  it('Teads spline also passes through the points, stays increasing and differs in between', () => {
    for (const [u, f] of [[0, 0.12], [0.1, 0.32], [0.5, 0.75], [1, 1.02]] as const) {
      expect(teadsFactor(u, 'spline')).toBeCloseTo(f, 12);
    }
    let prev = -Infinity;
    for (let pct = 0; pct <= 100; pct++) {
      const f = teadsFactor(pct / 100, 'spline');
      expect(f).toBeGreaterThan(prev);
      prev = f;
    }
    expect(Math.abs(teadsFactor(0.3, 'spline') - teadsFactor(0.3))).toBeGreaterThan(0.005);
  });

  it('rejects utilisation given as a percentage, with a hint', () => {
    expect(() => teadsPowerW(100, 60)).toThrow(/pass 0\.6/);
    expect(() => ccfLinearPowerW(1, 2, -0.1)).toThrow(/between 0 and 1/);
    expect(() => ccfLinearPowerW(1, 2, Number.NaN)).toThrow(/finite/);
  });

  it('constant and CodeCarbon cubic models', () => {
    expect(constantTdpPowerW(85)).toBe(42.5);
    expect(constantTdpPowerW(400, 1)).toBe(400);
    expect(codecarbonCpuLoadPowerW(100, 0)).toBe(10);
    expect(codecarbonCpuLoadPowerW(100, 1)).toBe(100);
  });

  it('cpuPowerW dispatches on the model and scales Teads by the chip share', () => {
    const ccf: CpuPowerModel = { kind: 'ccf-linear', minWPerVcpu: 0.64, maxWPerVcpu: 3.97, vcpus: 8, source: 'CCF', architecture: 'Cascade Lake' };
    expect(cpuPowerW(ccf, 1)).toBeCloseTo(8 * 3.97, 12);
    const teads: CpuPowerModel = { kind: 'teads', tdpW: 100, share: 0.25, threads: 8, source: 'test' };
    expect(cpuPowerW(teads, 0.5)).toBeCloseTo(0.25 * 75, 12);
    const constant: CpuPowerModel = { kind: 'constant-tdp', tdpW: 15, fraction: 0.5, source: 'CodeCarbon' };
    expect(cpuPowerW(constant, 0.9)).toBe(7.5);
    expect(cpuCapacityCores(ccf)).toBe(8);
    expect(cpuCapacityCores(teads)).toBe(2);
    expect(cpuCapacityCores(constant)).toBeNull();
    expect(describeCpuModel(ccf)).toBe('CCF linear 0.64-3.97 W/vCPU x 8 vCPU (Cascade Lake)');
    expect(describeCpuModel(teads)).toBe('Teads curve (linear), TDP 100 W, 25 % of the chip');
    expect(describeCpuModel(constant)).toBe('constant 50 % of TDP 15 W');
  });

  it('turns busy cores into a clamped utilisation', () => {
    expect(utilizationFromCores(2, 8)).toBe(0.25);
    expect(utilizationFromCores(8.3, 8)).toBe(1);
    expect(utilizationFromCores(-0.1, 8)).toBe(0);
    expect(() => utilizationFromCores(1, 0)).toThrow(/greater than zero/);
  });
});
