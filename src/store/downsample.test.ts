import { describe, expect, it } from 'vitest';
import { evenIndices } from './downsample.js';

describe('evenIndices', () => {
  it('keeps everything when there are few items', () => {
    expect(evenIndices(3, 10)).toEqual([0, 1, 2]);
    expect(evenIndices(0, 10)).toEqual([]);
  });
  it('spreads evenly with first and last kept', () => {
    expect(evenIndices(11, 3)).toEqual([0, 5, 10]);
    expect(evenIndices(100, 2)).toEqual([0, 99]);
  });
  it('returns distinct increasing indices for every size', () => {
    for (let total = 2; total < 200; total += 7) {
      for (let count = 2; count < total; count += 5) {
        const idx = evenIndices(total, count);
        expect(idx).toHaveLength(count);
        expect(idx[0]).toBe(0);
        expect(idx.at(-1)).toBe(total - 1);
        for (let i = 1; i < idx.length; i++) expect(idx[i]!).toBeGreaterThan(idx[i - 1]!);
      }
    }
  });
});
