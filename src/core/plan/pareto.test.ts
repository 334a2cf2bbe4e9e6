import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dominates, paretoFront, type Objectives } from './pareto.js';

const columns = (pts: readonly (readonly [number, number, number])[]): Objectives => ({
  costUsd: Float64Array.from(pts, (p) => p[0]),
  totalG: Float64Array.from(pts, (p) => p[1]),
  durationS: Float64Array.from(pts, (p) => p[2]),
});
const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('paretoFront', () => {
  it('keeps the non-dominated points of a small example, ties included', () => {
    const m = columns([
      [1, 5, 5], // 0: cheapest
      [5, 1, 5], // 1: greenest
      [5, 5, 1], // 2: fastest
      [3, 3, 3], // 3: balanced
      [4, 4, 4], // 4: dominated by 3
      [3, 3, 3], // 5: equal to 3: neither dominates the other
      [1, 5, 6], // 6: dominated by 0 (equal cost and carbon, slower)
    ]);
    expect(paretoFront(m, all(7)).sort()).toEqual([0, 1, 2, 3, 5]);
    expect(dominates(m, 3, 4)).toBe(true);
    expect(dominates(m, 3, 5)).toBe(false);
    expect(dominates(m, 0, 6)).toBe(true);
  });

  it('only looks at the candidates it is given', () => {
    const m = columns([[1, 1, 1], [2, 2, 2], [3, 1, 3]]);
    expect(paretoFront(m, [1, 2]).sort()).toEqual([1, 2]);
  });

  // Small integer domains make ties and equal points common, the cases a sort-based front gets wrong.
  const point = fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }));
  const floatPoint = fc.tuple(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double({ min: 1, max: 1e7, noNaN: true }));

  for (const [name, arb] of [['integer (many ties)', point], ['float', floatPoint]] as const) {
    it(`no front member is dominated and every other option is dominated (${name})`, () => {
      fc.assert(
        fc.property(fc.array(arb, { minLength: 1, maxLength: 120 }), (pts) => {
          const m = columns(pts);
          const front = new Set(paretoFront(m, all(pts.length)));
          for (let i = 0; i < pts.length; i++) {
            const dominatedByAny = all(pts.length).some((j) => dominates(m, j, i));
            expect(front.has(i)).toBe(!dominatedByAny);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});
