import { describe, expect, it } from 'vitest';
import type { Evaluation } from './evaluate.js';
import { balancedScores, changePhrase } from './rank.js';

describe('changePhrase', () => {
  it('words a ratio the way the sentences use it', () => {
    expect(changePhrase(0.05, 'carbon')).toBe('20× less CO2e');
    expect(changePhrase(0.6, 'carbon')).toBe('40 % less CO2e');
    expect(changePhrase(1.001, 'cost')).toBe('the same cost');
    expect(changePhrase(0.25, 'cost')).toBe('4× cheaper');
    expect(changePhrase(1.22, 'cost')).toBe('22 % more expensive');
    expect(changePhrase(0.1, 'time')).toBe('10× faster');
    expect(changePhrase(0.9, 'time')).toBe('10 % less time');
    expect(changePhrase(2.3, 'time')).toBe('2.3× the time');
    expect(changePhrase(Infinity, 'carbon')).toMatch(/cannot be compared/);
  });
});

describe('balancedScores', () => {
  const ev = (cost: number[], g: number[], t: number[]): Evaluation => ({
    n: cost.length,
    costUsd: Float64Array.from(cost),
    totalG: Float64Array.from(g),
    durationS: Float64Array.from(t),
    itPowerW: new Float64Array(cost.length),
    energyKwh: new Float64Array(cost.length),
    operationalG: new Float64Array(cost.length),
    embodiedG: new Float64Array(cost.length),
    failedAt: new Uint8Array(cost.length),
  });

  it('is the sum of log ratios to the best of each metric', () => {
    const s = balancedScores(ev([1, 2, 4], [10, 10, 5], [100, 50, 100]), [0, 1, 2]);
    expect(s[0]).toBeCloseTo(Math.log(2) + 0 + Math.log(2), 12);
    expect(s[1]).toBeCloseTo(Math.log(2) + Math.log(2) + 0, 12);
    expect(s[2]).toBeCloseTo(Math.log(4) + 0 + Math.log(2), 12);
  });

  it('stays finite when the best carbon is zero, and ranks the zero first', () => {
    const s = balancedScores(ev([1, 1], [0, 5], [1, 1]), [0, 1]);
    expect(Number.isFinite(s[1])).toBe(true);
    expect(s[0]).toBe(0);
    expect(s[1] as number).toBeGreaterThan(0);
  });
});
