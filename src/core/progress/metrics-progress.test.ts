import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from './event.js';
import { progressFromMetrics } from './metrics-progress.js';
import { appendProgress, emptyTrace, type ProgressTrace } from './trace.js';

describe('progressFromMetrics', () => {
  it('reads the three progress forms of the metrics file', () => {
    expect(progressFromMetrics({ progress: 0.25 })).toMatchObject({ fraction: 0.25, source: 'metrics', epoch: null });
    expect(progressFromMetrics({ epoch: 3, epochs: 40 })).toMatchObject({ fraction: 3 / 40, n: 3, total: 40, unit: 'epoch', desc: 'Epoch 3/40', epoch: { index: 3, count: 40 } });
    expect(progressFromMetrics({ step: 120, steps: 1000 })).toMatchObject({ fraction: 0.12, n: 120, total: 1000, unit: 'step' });
  });

  it.each([
    { key: 'loss', value: 0.3, step: 120 }, // a metric with a step is not progress
    { progress: 25 },
    { progress: -0.1 },
    { progress: '0.5' },
    { epoch: 41, epochs: 40 },
    { epoch: 1, epochs: 0 },
    { epoch: null, epochs: 10 },
    { step: 5, steps: Number.NaN },
    [0.5],
    null,
    'progress 0.5',
  ])('yields null for %j', (obj) => expect(progressFromMetrics(obj)).toBeNull());

  it('never throws and never leaves [0, 1] on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.record({ progress: fc.double(), epoch: fc.double(), epochs: fc.double() }, { requiredKeys: [] }), (a, b) => {
        for (const obj of [a, b]) {
          const e = progressFromMetrics(obj);
          if (e) expect(e.fraction !== null && e.fraction >= 0 && e.fraction <= 1).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

const ev = (fraction: number | null, source: ProgressEvent['source'] = 'tqdm'): ProgressEvent => ({
  fraction, n: 0, total: null, desc: '', unit: 'it', rateUnitsPerS: null, elapsedS: null, remainingS: null, barIndex: 0, epoch: null, source,
});

describe('appendProgress', () => {
  it('keeps the first time each share is reached, and restarts when progress goes back', () => {
    let t: ProgressTrace = emptyTrace();
    t = appendProgress(t, ev(0.1), 1000, 0.1);
    t = appendProgress(t, ev(0.1), 2000, 0.2); // same share: the first time dates it
    t = appendProgress(t, ev(null), 2500, 0.25); // no fraction: ignored
    t = appendProgress(t, ev(0.2), 3000, 0.3);
    t = appendProgress(t, ev(0.3), 2900, 0.3); // out of order: ignored
    expect(t.points.map((p) => [p.t, p.fraction])).toEqual([[1000, 0.1], [3000, 0.2]]);
    t = appendProgress(t, ev(0.05), 4000, 0.4); // a new bar began
    expect(t).toMatchObject({ points: [{ t: 4000, fraction: 0.05 }], restarts: 1 });
  });

  it('prefers the workload’s own report to a tqdm bar', () => {
    let t = appendProgress(emptyTrace(), ev(0.5), 1000, 0.1);
    t = appendProgress(t, ev(0.1, 'metrics'), 2000, 0.2);
    expect(t).toMatchObject({ source: 'metrics', points: [{ fraction: 0.1 }] });
    t = appendProgress(t, ev(0.9), 3000, 0.3);
    expect(t.points).toHaveLength(1);
  });

  it('stays within its size on a long run, keeping the start and the recent points', () => {
    let t = emptyTrace();
    for (let i = 1; i <= 100_000; i++) t = appendProgress(t, ev(i / 100_000), i * 1000, i, 200);
    expect(t.points.length).toBeLessThanOrEqual(200);
    expect(t.points[0]?.t).toBe(1000);
    expect(t.points[t.points.length - 1]?.fraction).toBe(1);
    for (let i = 1; i < t.points.length; i++) expect((t.points[i] as { t: number }).t).toBeGreaterThan((t.points[i - 1] as { t: number }).t);
  });
});
