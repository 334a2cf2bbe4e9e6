import { describe, expect, it } from 'vitest';
import { finalMetrics } from './run-metrics.js';

describe('finalMetrics', () => {
  it('keeps the value at the highest step, the latest on a tie, and steps over unstepped points', () => {
    expect(
      finalMetrics([
        { key: 'acc', value: 0.5, step: 3, t: 10 },
        { key: 'acc', value: 0.9, step: 2, t: 20 },
        { key: 'acc', value: 0.7, step: 3, t: 30 },
        { key: 'acc', value: 0.1, step: null, t: 40 },
        { key: 'loss', value: 2, step: null, t: 9 },
        { key: 'loss', value: 1, step: null, t: 5 },
      ]),
    ).toEqual({ acc: 0.7, loss: 2 });
  });

  it('is empty without points', () => {
    expect(finalMetrics([])).toEqual({});
  });
});
