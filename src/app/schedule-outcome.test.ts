import { describe, expect, it } from 'vitest';
import type { IntensitySeries, RunRecord, Sample } from '../core/index.js';
import { energyIntervals, jobOutcome, shiftedIntervals } from './schedule-outcome.js';
import type { ScheduledPlan } from './schedule.js';

const T0 = Date.parse('2026-01-10T00:00:00Z');
const H = 3_600_000;
const KWH_J = 3_600_000;

/** Samples every 30 min with the given IT energies (kWh) per interval, cumulative in joules, CPU only. */
function samples(startMs: number, kwh: number[]): Sample[] {
  let cum = 0;
  return kwh.map((e, i) => {
    cum += e * KWH_J;
    return { t: startMs + (i + 1) * 1_800_000, dtS: 1800, cpuW: null, gpuW: null, memoryW: null, cpuJ: cum, gpuJ: 0, memoryJ: 0, cpuCores: null, memoryBytes: null, gpuUtilPct: null, detail: null };
  });
}

const run = (id: string, energyKwh: number, durationS: number): RunRecord => ({ id, energyKwh, durationS }) as unknown as RunRecord;

/** Hourly values: 400 g/kWh for the first 6 hours of the day, 100 after. */
const series: IntensitySeries = {
  zone: 'FR',
  signal: 'average',
  kind: 'actual',
  source: 'test values',
  points: Array.from({ length: 24 }, (_, i) => ({ t: T0 + i * H, durationS: 3600, intensityGPerKwh: i < 6 ? 400 : 100 })),
};

const plan = {
  zone: 'FR',
  immediate: { startMs: T0, endMs: T0 + 2 * H, region: 'FR' },
  expectedGPerKwh: 110,
  immediateGPerKwh: 390,
  forecast: { method: 'provider-forecast', source: 'a forecast', signal: 'average' },
} as unknown as ScheduledPlan;

describe('energy intervals', () => {
  it('differences cumulative joules per sample and lays intervals end to end from a new start', () => {
    const iv = energyIntervals(samples(T0 + 8 * H, [0.1, 0.3]));
    expect(iv).toEqual([
      { startMs: T0 + 8 * H, endMs: T0 + 8.5 * H, energyKwh: 0.1 },
      { startMs: T0 + 8.5 * H, endMs: T0 + 9 * H, energyKwh: expect.closeTo(0.3, 12) as unknown as number },
    ]);
    // A pause between two intervals disappears when they are shifted.
    const gapped = [iv[0]!, { ...iv[1]!, startMs: T0 + 10 * H, endMs: T0 + 10.5 * H }];
    expect(shiftedIntervals(gapped, T0).map((x) => [x.startMs, x.endMs])).toEqual([
      [T0, T0 + 0.5 * H],
      [T0 + 0.5 * H, T0 + H],
    ]);
  });
});

describe('jobOutcome', () => {
  it('prices the measured profile where it ran and shifted to the immediate start, with the run energy (PUE included)', async () => {
    // Ran 08:00-10:00 (100 g/kWh); starting at once it would have run 00:00-02:00 (400 g/kWh).
    const r = run('r1', 0.8, 7200);
    const o = await jobOutcome(plan, [{ run: r, samples: samples(T0 + 8 * H, [0.1, 0.2, 0.2, 0.1]) }], async (zone, from, to) => {
      expect(zone).toBe('FR');
      return { ...series, points: series.points.filter((p) => p.t < to && p.t + 3_600_000 > from) };
    });
    expect(o.method).toBe('repriced-series');
    expect(o.actualGPerKwh).toBeCloseTo(100, 9);
    expect(o.immediateGPerKwh).toBeCloseTo(400, 9);
    expect(o.actualG).toBeCloseTo(80, 9);
    expect(o.immediateG).toBeCloseTo(320, 9);
    expect(o.savedG).toBeCloseTo(240, 9);
    expect(o.savingRatio).toBeCloseTo(0.75, 9);
    expect(o.runIds).toEqual(['r1']);
  });

  it('weights by the energy profile: a job that ran hot early is charged more of the early hours', async () => {
    // Immediate start at 05:00: the first hour at 400, the second at 100. Most energy in the first hour.
    const p = { ...plan, immediate: { ...plan.immediate, startMs: T0 + 5 * H } } as ScheduledPlan;
    const o = await jobOutcome(p, [{ run: run('r', 1, 7200), samples: samples(T0 + 12 * H, [0.4, 0.4, 0.1, 0.1]) }], async () => series);
    expect(o.immediateGPerKwh).toBeCloseTo(0.8 * 400 + 0.2 * 100, 9);
  });

  it("falls back on the plan's intensities when no series covers the spans", async () => {
    const o = await jobOutcome(plan, [{ run: run('r', 2, 3600), samples: samples(T0 + 30 * H, [1, 1]) }], async () => null);
    expect(o.method).toBe('plan');
    expect(o.actualG).toBeCloseTo(2 * 110, 9);
    expect(o.immediateG).toBeCloseTo(2 * 390, 9);
    expect(o.notes.join(' ')).toMatch(/plan's expected and immediate-start mean intensities/);
  });
});
