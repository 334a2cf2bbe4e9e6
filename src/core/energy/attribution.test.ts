import { describe, expect, it } from 'vitest';
import {
  activeRatio,
  attributeCpuEnergy,
  attributionShare,
  busyShare,
  capacityShare,
  describeAttribution,
  eitAttributedPowerW,
  splitActiveIdle,
  workloadShare,
} from './attribution.js';

describe('attribution', () => {
  it('busy-share charges the tree its share of busy CPU time, idle included', () => {
    expect(busyShare(3, 4)).toBe(0.75);
    expect(attributeCpuEnergy('busy-share', { energy: 1000, treeCpuS: 3, busyCpuS: 4 })).toBe(750);
  });
  it('clamps shares to [0, 1] so sampling skew never charges more than the machine used', () => {
    expect(busyShare(4.2, 4)).toBe(1);
    expect(busyShare(-0.1, 4)).toBe(0);
    expect(busyShare(0, 0)).toBe(0);
    expect(busyShare(1, 0)).toBe(1);
    expect(busyShare(Number.NaN, 4)).toBe(0);
    expect(activeRatio(5, 4)).toBe(1);
  });
  it('active-share leaves idle energy unattributed', () => {
    // 100 J, machine busy 25 % of the time, tree is 20 % of all process time -> 5 J.
    const s = attributionShare('active-share', { energy: 100, treeCpuS: 2, busyCpuS: 10, totalCpuS: 40 });
    expect(s).toBeCloseTo(0.25 * 0.2, 12);
    expect(splitActiveIdle(100, 0.25)).toEqual({ active: 25, idle: 75 });
    expect(workloadShare(1, 4)).toBe(0.25);
  });
  it('capacity-share divides by the whole machine', () => {
    expect(capacityShare(2, 8, 1)).toBe(0.25);
    expect(attributeCpuEnergy('capacity-share', { energy: 80, treeCpuS: 2, nCpus: 8, wallS: 1 })).toBe(20);
  });
  it('machine gives everything, and a mode missing its inputs says what to pass', () => {
    expect(attributeCpuEnergy('machine', { energy: 80, treeCpuS: 0 })).toBe(80);
    expect(() => attributeCpuEnergy('busy-share', { energy: 80, treeCpuS: 1 })).toThrow(/needs busyCpuS/);
    expect(describeAttribution('busy-share')).toMatch(/experiment-impact-tracker/);
  });
  it('the shares of processes that together use all busy time add up to the machine energy', () => {
    const trees = [1.5, 0.5, 2];
    const busy = trees.reduce((a, b) => a + b, 0);
    const total = trees.reduce((a, t) => a + attributeCpuEnergy('busy-share', { energy: 90, treeCpuS: t, busyCpuS: busy }), 0);
    expect(total).toBeCloseTo(90, 9);
  });
  it('EIT formula clamps its shares too', () => {
    expect(eitAttributedPowerW({ packageW: 50, coresW: 30, dramW: 5, cpuShare: 2, memShare: 0 })).toBe(45);
  });
});
