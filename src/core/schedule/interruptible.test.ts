import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GreenmlError } from '../errors.js';
import type { IntensityPoint } from '../series.js';
import { interruptiblePlan } from './interruptible.js';
import type { InterruptibleSpec, SchedulePlan } from './types.js';
import { bestWindow } from './window.js';

const MIN = 60_000;
const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 6);

const hourly = (values: number[]): IntensityPoint[] => values.map((v, i) => ({ t: T0 + i * H, durationS: 3600, intensityGPerKwh: v }));

/** Structural promises of every interruptible plan. */
function expectWellFormed(plan: SchedulePlan, spec: InterruptibleSpec): void {
  const total = plan.chunks.reduce((s, c) => s + (c.endMs - c.startMs), 0);
  expect(total).toBe(spec.durationS * 1000);
  expect(plan.pauses).toBe(plan.chunks.length - 1);
  expect(plan.pauses).toBeLessThanOrEqual(spec.maxPauses);
  plan.chunks.forEach((c, i) => {
    expect(c.startMs).toBeGreaterThanOrEqual(spec.earliestStartMs);
    expect(c.endMs).toBeLessThanOrEqual(spec.deadlineMs);
    if (plan.chunks.length > 1) expect(c.endMs - c.startMs).toBeGreaterThanOrEqual(Math.min(spec.minChunkS, spec.durationS) * 1000);
    if (i > 0) expect(c.startMs).toBeGreaterThan(plan.chunks[i - 1]!.endMs);
  });
}

describe('interruptiblePlan', () => {
  it('runs in the cleanest slots when pauses are free (the Let\'s Wait Awhile strategy)', () => {
    const pts = hourly([300, 50, 300, 40, 300, 60, 300]);
    const spec = { durationS: 3 * 3600, earliestStartMs: T0, deadlineMs: T0 + 7 * H, minChunkS: 0, maxPauses: 10 };
    const plan = interruptiblePlan(pts, spec);
    expect(plan.chunks.map((c) => (c.startMs - T0) / H)).toEqual([1, 3, 5]);
    expect(plan.meanIntensityGPerKwh).toBe(50);
    expect(plan.baseline.meanIntensityGPerKwh).toBeCloseTo(650 / 3, 12);
    expectWellFormed(plan, spec);
  });

  it('respects the pause limit', () => {
    const pts = hourly([300, 50, 300, 40, 300, 60, 300]);
    const spec = { durationS: 3 * 3600, earliestStartMs: T0, deadlineMs: T0 + 7 * H, minChunkS: 0, maxPauses: 1 };
    const plan = interruptiblePlan(pts, spec);
    // At most two chunks: 50 + [40, 300] or the run [50, 300, 40], both 390; three singles (150) are not allowed.
    expect(plan.chunks.length).toBeLessThanOrEqual(2);
    expect(plan.meanIntensityGPerKwh).toBeCloseTo(390 / 3, 12);
    expectWellFormed(plan, spec);
  });

  it('respects the minimum chunk', () => {
    const pts = hourly([300, 10, 300, 300, 20, 20, 300, 30, 30]);
    const spec = { durationS: 4 * 3600, earliestStartMs: T0, deadlineMs: T0 + 9 * H, minChunkS: 2 * 3600, maxPauses: 5 };
    const plan = interruptiblePlan(pts, spec);
    expect(plan.chunks.map((c) => [(c.startMs - T0) / H, (c.endMs - T0) / H])).toEqual([
      [4, 6],
      [7, 9],
    ]);
    expect(plan.meanIntensityGPerKwh).toBe(25);
    expectWellFormed(plan, spec);
  });

  it('equals the contiguous best with no pause allowed, even when that starts mid-slot', () => {
    const pts = hourly([5, 1, 10]);
    const spec = { durationS: 5400, earliestStartMs: T0, deadlineMs: T0 + 3 * H, minChunkS: 0, maxPauses: 0 };
    const plan = interruptiblePlan(pts, spec);
    expect(plan.chunks).toHaveLength(1);
    expect(plan.startMs).toBe(T0 + 30 * MIN);
    expect(plan.meanIntensityGPerKwh).toBeCloseTo(bestWindow(pts, spec).meanIntensityGPerKwh, 12);
  });

  it('uses the finer slots of an irregular series', () => {
    const pts: IntensityPoint[] = [
      { t: T0, durationS: 1800, intensityGPerKwh: 100 },
      { t: T0 + 30 * MIN, durationS: 900, intensityGPerKwh: 5 },
      { t: T0 + 45 * MIN, durationS: 2700, intensityGPerKwh: 100 },
      { t: T0 + 90 * MIN, durationS: 900, intensityGPerKwh: 5 },
      { t: T0 + 105 * MIN, durationS: 900, intensityGPerKwh: 100 },
    ];
    const spec = { durationS: 1800, earliestStartMs: T0, deadlineMs: T0 + 2 * H, minChunkS: 900, maxPauses: 1 };
    const plan = interruptiblePlan(pts, spec);
    expect(plan.chunks.map((c) => (c.startMs - T0) / MIN)).toEqual([30, 90]);
    expect(plan.meanIntensityGPerKwh).toBe(5);
  });

  it('rejects a bad pause count and reports an early deadline like bestWindow', () => {
    const pts = hourly([1, 2, 3]);
    expect(() => interruptiblePlan(pts, { durationS: 3600, earliestStartMs: T0, deadlineMs: T0 + 3 * H, minChunkS: 0, maxPauses: 1.5 })).toThrow(/whole number/);
    const early = () => interruptiblePlan(pts, { durationS: 4 * 3600, earliestStartMs: T0, deadlineMs: T0 + 3 * H, minChunkS: 0, maxPauses: 3 });
    expect(early).toThrow(GreenmlError);
    expect(early).toThrow(/04:00Z/);
  });
});

/** Every subset of hourly slots that forms chunks of >= m slots, at most p + 1 of them; the least sum. */
function bruteForceSlots(values: number[], k: number, m: number, maxChunks: number): number | null {
  let best: number | null = null;
  for (let mask = 0; mask < 1 << values.length; mask++) {
    let used = 0;
    let sum = 0;
    let chunks = 0;
    let run = 0;
    let ok = true;
    for (let i = 0; i <= values.length; i++) {
      const on = i < values.length && (mask >> i) & 1;
      if (on) {
        used++;
        sum += values[i]!;
        run++;
      } else if (run > 0) {
        chunks++;
        if (run < m) ok = false;
        run = 0;
      }
    }
    if (ok && used === k && chunks <= maxChunks && (best === null || sum < best)) best = sum;
  }
  return best;
}

describe('interruptiblePlan properties', () => {
  it('is exact on small hourly series (brute force over every set of slots)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 11 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 4 }),
        (values, kRaw, mRaw, maxPauses) => {
          const k = Math.min(kRaw, values.length);
          const m = Math.min(Math.max(mRaw, 1), k);
          const spec = { durationS: k * 3600, earliestStartMs: T0, deadlineMs: T0 + values.length * H, minChunkS: m * 3600, maxPauses };
          const plan = interruptiblePlan(hourly(values), spec);
          const brute = bruteForceSlots(values, k, m, maxPauses + 1);
          expect(brute).not.toBeNull();
          expect(plan.meanIntensityGPerKwh * k).toBeCloseTo(brute!, 9);
          expectWellFormed(plan, spec);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is never worse than the best contiguous window (random irregular series and specs)', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ stepMin: fc.constantFrom(5, 10, 15, 30, 45, 60), gap: fc.integer({ min: 0, max: 7 }).map((g) => g === 0), value: fc.integer({ min: 0, max: 500 }) }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 0.4, noNaN: true }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 48 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 4 }),
        (rows, at, dSlots, slackSlots, minChunkSlots, maxPauses) => {
          let t = T0;
          const points = rows.map(({ stepMin, gap, value }) => {
            if (gap) t += 15 * MIN;
            const p = { t, durationS: stepMin * 60, intensityGPerKwh: value };
            t += stepMin * MIN;
            return p;
          });
          const earliest = T0 + Math.floor((at * (t - T0)) / MIN) * MIN;
          const spec = {
            durationS: dSlots * 900,
            earliestStartMs: earliest,
            deadlineMs: earliest + (dSlots + slackSlots) * 15 * MIN,
            minChunkS: minChunkSlots * 900,
            maxPauses,
          };
          let contiguous: SchedulePlan;
          try {
            contiguous = bestWindow(points, spec);
          } catch (e) {
            if (!(e instanceof GreenmlError)) throw e;
            return;
          }
          const plan = interruptiblePlan(points, spec);
          compared++;
          expect(plan.meanIntensityGPerKwh).toBeLessThanOrEqual(contiguous.meanIntensityGPerKwh + 1e-9 * Math.max(1, contiguous.meanIntensityGPerKwh));
          expectWellFormed(plan, spec);
        },
      ),
      { numRuns: 300 },
    );
    expect(compared).toBeGreaterThan(100);
  });
});
