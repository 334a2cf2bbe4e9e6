import { describe, expect, it } from 'vitest';
import { parseCount } from './counts.js';
import { isGreenmlError } from './errors.js';

describe('parseCount', () => {
  it('reads plain numbers, exponents and the K, M, B (or G) and T suffixes in either case', () => {
    expect(parseCount('7e9', 'x')).toBe(7e9);
    expect(parseCount('7B', 'x')).toBe(7e9);
    expect(parseCount('7g', 'x')).toBe(7e9);
    expect(parseCount(' 1.5T ', 'x')).toBe(1.5e12);
    expect(parseCount('350M', 'x')).toBe(3.5e8);
    expect(parseCount('350m', 'x')).toBe(3.5e8);
    expect(parseCount('12k', 'x')).toBe(12_000);
    expect(parseCount('1000', 'x')).toBe(1000);
  });

  it('refuses zero, negatives, words and unknown suffixes, naming the input and an accepted form', () => {
    for (const bad of ['0', '-7B', 'seven', '7X', '', '1e400']) {
      let error: unknown = null;
      try {
        parseCount(bad, '--params');
      } catch (e) {
        error = e;
      }
      expect(isGreenmlError(error) && error.code).toBe('INVALID_INPUT');
      expect((error as Error).message).toBe(`Invalid --params "${bad}": give a positive number, e.g. 7e9, 7B, 350M or 1.5T.`);
    }
  });
});
