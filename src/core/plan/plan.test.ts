import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GreenmlError } from '../errors.js';
import { parseChoice } from './ids.js';
import { planOffers } from './plan.js';
import type { PlanAccelerator, PlanOffer, PlanOption } from './types.js';
import { acceleratorHoursWorkload, cpuWorkload, trainingWorkload } from './workload.js';

const f = (value: number, unit: string) => ({ value, unit, source: 'test', year: 2024 });
const H100: PlanAccelerator = { id: 'h100', name: 'H100', count: 8, tdpW: 700, idleW: 77, denseTflops: { bf16: 989.4, fp16: 989.4 }, memoryGb: 80, memoryBwGbps: 3350, source: 'test' };
const A100: PlanAccelerator = { id: 'a100', name: 'A100', count: 8, tdpW: 400, idleW: 46, denseTflops: { bf16: 312, fp16: 312 }, memoryGb: 40, memoryBwGbps: 1555, source: 'test' };
const T4: PlanAccelerator = { id: 't4', name: 'T4', count: 1, tdpW: 70, idleW: 8, denseTflops: { fp16: 65 }, memoryGb: 16, memoryBwGbps: 320, source: 'test' };

function offer(o: Partial<PlanOffer> & Pick<PlanOffer, 'instanceType' | 'region' | 'priceUsdPerHour'>): PlanOffer {
  return {
    provider: 'aws',
    pricing: 'on-demand',
    priceSource: 'test price',
    accelerator: H100,
    vcpus: 192,
    memoryGb: 2048,
    cpu: { minWPerVcpu: 0.74, maxWPerVcpu: 2.28, architecture: 'EPYC 3rd Gen', source: 'test' },
    intensity: f(400, 'gCO2e/kWh'),
    pue: f(1.1, 'ratio'),
    embodied: { kind: 'per-hour', gPerHour: 50, source: 'test' },
    ...o,
  };
}

const OFFERS: PlanOffer[] = [
  offer({ instanceType: 'p5.48xlarge', region: 'us-east-1', priceUsdPerHour: 55 }),
  offer({ instanceType: 'p5.48xlarge', region: 'us-east-1', pricing: 'spot', priceUsdPerHour: 20 }),
  offer({ instanceType: 'p5.48xlarge', region: 'eu-north-1', priceUsdPerHour: 59, intensity: f(40, 'gCO2e/kWh') }),
  offer({ instanceType: 'p4d.24xlarge', region: 'us-east-1', priceUsdPerHour: 22, accelerator: A100, vcpus: 96, memoryGb: 1152 }),
  offer({ instanceType: 'a3-highgpu-8g', provider: 'gcp', region: 'europe-west4', priceUsdPerHour: 88, pue: f(1.07, 'ratio'), intensity: f(209, 'gCO2e/kWh') }),
  offer({ instanceType: 'g4dn.xlarge', region: 'us-east-1', priceUsdPerHour: 0.526, accelerator: T4, vcpus: 4, memoryGb: 16 }),
  offer({ instanceType: 'c7i.16xlarge', region: 'us-east-1', priceUsdPerHour: 2.856, accelerator: null, vcpus: 64, memoryGb: 128 }),
];
const byId = (opts: readonly PlanOption[], id: string): PlanOption => {
  const o = opts.find((x) => x.id === id);
  if (!o) throw new Error(`no option ${id}`);
  return o;
};
const infeasible = (fn: () => unknown): GreenmlError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof GreenmlError) return e;
    throw e;
  }
  throw new Error('expected an error');
};

describe('planOffers: the figures of one option', () => {
  const w = trainingWorkload({ params: 7e9, tokens: 1e12 });
  const r = planOffers(OFFERS, w);

  it('computes time, energy, carbon and cost by the documented formulas', () => {
    const o = byId(r.options, 'p5.48xlarge@aws:us-east-1:on-demand');
    const t = (6 * 7e9 * 1e12) / (8 * 989.4e12 * 0.4);
    const itW = 8 * (77 + 0.76 * (700 - 77)) + 192 * (0.74 + 0.5 * (2.28 - 0.74)) + 2048 * 0.392;
    const kwh = ((itW * t) / 3.6e6) * 1.1;
    expect(o.durationS).toBeCloseTo(t, 3);
    expect(o.itPowerW).toBeCloseTo(itW, 9);
    expect(o.energyKwh).toBeCloseTo(kwh, 6);
    expect(o.operationalG).toBeCloseTo(kwh * 400, 3);
    expect(o.embodiedG).toBeCloseTo((50 * t) / 3600, 6);
    expect(o.totalG).toBeCloseTo(kwh * 400 + (50 * t) / 3600, 3);
    expect(o.costUsd).toBeCloseTo((55 * t) / 3600, 6);
    expect(o.notes).toEqual([]);
  });

  it('adds the spot overhead to time and says so', () => {
    const od = byId(r.options, 'p5.48xlarge@aws:us-east-1:on-demand');
    const spot = byId(r.options, 'p5.48xlarge@aws:us-east-1:spot');
    expect(spot.durationS / od.durationS).toBeCloseTo(1.1, 12);
    expect(spot.costUsd).toBeCloseTo((20 * spot.durationS) / 3600, 6);
    expect(spot.notes[0]).toBe('spot: may be reclaimed (2 min notice); assumes checkpointing, time includes +10 % for checkpoints and restarts');
    const r2 = planOffers(OFFERS, w, {}, { spotOverhead: 0.25 });
    expect(byId(r2.options, 'p5.48xlarge@aws:us-east-1:spot').durationS / od.durationS).toBeCloseTo(1.25, 12);
  });

  it('removes options that cannot hold the model state, and CPU-only ones', () => {
    // 7e9 x 16 B = 112 GB: the T4 (16 GB) cannot hold it; the CPU-only instance cannot run it.
    expect(r.options.map((o) => o.offer.instanceType)).not.toContain('g4dn.xlarge');
    expect(r.options.map((o) => o.offer.instanceType)).not.toContain('c7i.16xlarge');
    expect(r.remaining.find((x) => x.stage === 'hardware')?.count).toBe(6);
    expect(r.remaining.find((x) => x.stage === 'model-memory')?.count).toBe(5);
  });

  it('uses the fp16 rate where an accelerator has no bf16 figure, and notes it', () => {
    const small = planOffers(OFFERS, trainingWorkload({ params: 1e8, tokens: 1e9 }));
    expect(byId(small.options, 'g4dn.xlarge@aws:us-east-1:on-demand').notes).toEqual(['no dense bf16 figure for T4: its fp16 rate is used']);
  });
});

describe('planOffers: ranking, Pareto front and recommendations', () => {
  const w = trainingWorkload({ params: 7e9, tokens: 1e12 });

  it('sorts by the goal and recommends the best of each goal', () => {
    for (const goal of ['cost', 'carbon', 'time', 'balanced'] as const) {
      const r = planOffers(OFFERS, w, {}, { optimize: goal });
      expect(r.recommendations[0]?.goal).toBe(goal);
      expect(r.recommendations.map((x) => x.goal).sort()).toEqual(['balanced', 'carbon', 'cost', 'time']);
      expect(r.recommendations[0]?.option.id).toBe(r.options[0]?.id);
      const key = goal === 'cost' ? 'costUsd' : goal === 'carbon' ? 'totalG' : goal === 'time' ? 'durationS' : null;
      if (key) {
        const values = r.options.map((o) => o[key]);
        expect(values).toEqual([...values].sort((a, b) => a - b));
      }
      for (const rec of r.recommendations) expect(rec.option.pareto).toBe(true);
    }
  });

  it('picks the cheapest on spot, the greenest in the low-carbon region', () => {
    const r = planOffers(OFFERS, w);
    const rec = Object.fromEntries(r.recommendations.map((x) => [x.goal, x.option.id]));
    expect(rec.cost).toBe('p5.48xlarge@aws:us-east-1:spot');
    expect(rec.carbon).toBe('p5.48xlarge@aws:eu-north-1:on-demand');
    expect(rec.time).toBe('p5.48xlarge@aws:us-east-1:on-demand');
  });

  it('explains each recommendation in ratios against the default current choice', () => {
    const r = planOffers(OFFERS, w);
    // Default: the cheapest feasible on-demand option in aws:us-east-1 for this workload: p4d is
    // cheaper per hour ($22 vs $55) but 989.4 / 312 = 3.2x slower, so p5 costs less in total.
    expect(r.current.basis).toBe('default');
    expect(r.current.option.id).toBe('p5.48xlarge@aws:us-east-1:on-demand');
    expect(r.current.rule).toMatch(/^default: the cheapest feasible on-demand option in aws:us-east-1/);
    const carbon = r.recommendations.find((x) => x.goal === 'carbon');
    const cur = r.current.option;
    expect(carbon?.ratios.totalG).toBeCloseTo((carbon?.option.totalG ?? NaN) / cur.totalG, 12);
    expect(carbon?.sentence).toMatch(/^Lowest carbon: p5\.48xlarge@aws:eu-north-1:on-demand, against the current choice p5\.48xlarge@aws:us-east-1:on-demand: [\d.]+× less CO2e \(/);
    expect(r.recommendations.find((x) => x.goal === 'time')?.sentence).toMatch(/^Fastest: the current choice p5\.48xlarge@aws:us-east-1:on-demand is already the fastest of the feasible options \(/);
  });

  it('compares with the given current choice, even one the constraints exclude', () => {
    const r = planOffers(OFFERS, w, { providers: ['aws'] }, { current: parseChoice('a3-highgpu-8g@gcp:europe-west4') });
    expect(r.current.basis).toBe('given');
    expect(r.current.excludedBy).toBe('providers');
    expect(r.recommendations[0]?.sentence).toMatch(/against the current choice \(excluded by providers\) a3-highgpu-8g@gcp:europe-west4:on-demand/);
  });

  it('says when the current choice is already the best', () => {
    const r = planOffers(OFFERS, w, {}, { optimize: 'cost', current: parseChoice('p5.48xlarge@us-east-1:spot') });
    expect(r.recommendations[0]?.sentence).toMatch(/^Lowest cost: the current choice p5\.48xlarge@aws:us-east-1:spot is already the cheapest/);
  });

  it('rejects a current choice that is not in the catalog, with suggestions', () => {
    const e = infeasible(() => planOffers(OFFERS, w, {}, { current: parseChoice('p5.48xlarg@us-east-1') }));
    expect(e.code).toBe('UNKNOWN_ID');
    expect(e.message).toMatch(/^The current choice p5\.48xlarg@us-east-1:on-demand is not in the catalog\. Did you mean p5\.48xlarge\b/);
    const e2 = infeasible(() => planOffers(OFFERS, w, {}, { current: parseChoice('p5.48xlarge@us-west-2') }));
    expect(e2.message).toMatch(/p5\.48xlarge is priced in: aws:us-east-1:on-demand, aws:us-east-1:spot, aws:eu-north-1:on-demand\./);
  });
});

describe('planOffers: infeasible constraints name the one that removed the last options', () => {
  const w = trainingWorkload({ params: 7e9, tokens: 1e12 });

  it('deadline', () => {
    const e = infeasible(() => planOffers(OFFERS, w, { providers: ['aws'], deadlineS: 86_400 }));
    expect(e.code).toBe('INFEASIBLE');
    expect(e.message).toMatch(/^No option satisfies the constraints: of 7 options, 6 are from aws, 5 have accelerators with a dense bf16 figure \(or its fallback\), 4 hold 112 GB of model state, and the deadline of 1d 0h 0m removed the last 4: the fastest of them, p5\.48xlarge@aws:us-east-1:on-demand, takes \d+d \d+h \d+m \(spreading the work over more instances with --nodes divides the time\)\.$/);
    expect(e.details?.stage).toBe('deadline');
  });

  it('budget', () => {
    const e = infeasible(() => planOffers(OFFERS, w, { budgetUsd: 100 }));
    expect(e.message).toMatch(/the budget of \$100\.00 removed the last 5: the cheapest of them, p5\.48xlarge@aws:us-east-1:spot, costs \$[\d,.]+\.$/);
  });

  it('region filter with a suggestion', () => {
    const e = infeasible(() => planOffers(OFFERS, w, { regions: ['eu-nort-1'] }));
    expect(e.message).toMatch(/^No option satisfies the constraints: of 7 options, the region filter \(eu-nort-1\) removed the last 7 \(closest known: aws:eu-north-1\b/);
  });

  it('per-board memory, model memory, precision and CPU-only work', () => {
    expect(infeasible(() => planOffers(OFFERS, w, { minGpuMemoryGb: 100 })).message).toMatch(/the minimum of 100 GB per accelerator removed the last 6: the most any of them has is 80 GB \(p5\.48xlarge@aws:us-east-1:on-demand\)\.$/);
    expect(infeasible(() => planOffers(OFFERS, trainingWorkload({ params: 1e11, tokens: 1e9 }))).message).toMatch(/the model-state memory check \(1600 GB across the instance's accelerators\) removed the last 6: the most any of them holds is 640 GB/);
    expect(infeasible(() => planOffers(OFFERS, trainingWorkload({ params: 1e8, tokens: 1e9, precision: 'fp8' }))).message).toMatch(/none of those 7 has accelerators with a dense fp8 \(or fallback\) figure; try another --precision\.$/);
    expect(infeasible(() => planOffers(OFFERS.filter((o) => o.accelerator), cpuWorkload({ vcpuHours: 10 }))).message).toMatch(/none of those 6 is a CPU-only instance/);
  });

  it('accelerator count per instance', () => {
    const r = planOffers(OFFERS, trainingWorkload({ params: 1e8, tokens: 1e9 }), { acceleratorCount: { min: 1, max: 1 } });
    expect(r.options.map((o) => o.offer.instanceType)).toEqual(['g4dn.xlarge']);
    expect(infeasible(() => planOffers(OFFERS, w, { acceleratorCount: { min: 2, max: 4 } })).message).toBe('No option satisfies the constraints: of 7 options, 6 have accelerators with a dense bf16 figure (or its fallback), and the accelerator count (2 to 4 per instance) removed the last 6: those have 1, 8.');
    expect(infeasible(() => planOffers(OFFERS, w, { acceleratorCount: { max: 4 } })).message).toMatch(/, 1 has at most 4 accelerators, and the model-state memory check/);
  });

  it('accepts more nodes to hold the model and finish sooner (linear scaling)', () => {
    const r1 = planOffers(OFFERS, trainingWorkload({ params: 1e11, tokens: 1e9 }), {}, { nodes: 3 });
    const r2 = planOffers(OFFERS, trainingWorkload({ params: 1e11, tokens: 1e9, bytesPerParam: 0 }));
    const a = byId(r1.options, 'p5.48xlarge@aws:us-east-1:on-demand');
    const b = byId(r2.options, 'p5.48xlarge@aws:us-east-1:on-demand');
    expect(a.durationS * 3).toBeCloseTo(b.durationS, 6);
    expect(a.costUsd).toBeCloseTo(b.costUsd, 6);
    expect(a.totalG).toBeCloseTo(b.totalG, 6);
  });
});

describe('planOffers: other workloads', () => {
  it('scales accelerator-hours by dense throughput', () => {
    const ref = { id: 'a100', name: 'A100', denseTflops: { bf16: 312 }, memoryBwGbps: 1555 };
    const r = planOffers(OFFERS, acceleratorHoursWorkload({ acceleratorHours: 100, reference: ref }), {}, { preferAcceleratorId: 'a100' });
    expect(byId(r.options, 'p4d.24xlarge@aws:us-east-1:on-demand').durationS).toBeCloseTo((100 * 3600) / 8, 6);
    expect(byId(r.options, 'p5.48xlarge@aws:us-east-1:on-demand').durationS).toBeCloseTo((100 * 3600 * 312) / (8 * 989.4), 6);
    expect(r.current.rule).toMatch(/cheapest feasible on-demand instance with a100 in aws:us-east-1/);
  });

  it('runs CPU work on CPU-only instances by vCPU-hours', () => {
    const r = planOffers(OFFERS, cpuWorkload({ vcpuHours: 128 }));
    expect(r.options.map((o) => o.id)).toEqual(['c7i.16xlarge@aws:us-east-1:on-demand']);
    expect(r.options[0]?.durationS).toBeCloseTo(7200, 9);
  });
});

describe('planOffers: the Pareto front of a plan (property)', () => {
  const acc = fc.record({ count: fc.integer({ min: 1, max: 8 }), tflops: fc.integer({ min: 50, max: 2000 }), memoryGb: fc.constantFrom(16, 40, 80, 141) });
  const arbOffer = fc.record({
    price: fc.integer({ min: 1, max: 100 }),
    intensity: fc.constantFrom(0, 3, 40, 200, 400, 700),
    pricing: fc.constantFrom('on-demand' as const, 'spot' as const, 'reserved-1y' as const),
    acc,
  });

  it('marks exactly the options no other feasible option dominates', () => {
    fc.assert(
      fc.property(fc.array(arbOffer, { minLength: 1, maxLength: 40 }), (specs) => {
        const offers = specs.map((s, i) =>
          offer({
            instanceType: `i${i}`,
            region: 'us-east-1',
            pricing: s.pricing,
            priceUsdPerHour: s.price,
            intensity: f(s.intensity, 'gCO2e/kWh'),
            accelerator: { ...H100, count: s.acc.count, denseTflops: { bf16: s.acc.tflops }, memoryGb: s.acc.memoryGb },
          }),
        );
        const r = planOffers(offers, trainingWorkload({ params: 1e8, tokens: 1e10, bytesPerParam: 0 }));
        const dom = (a: PlanOption, b: PlanOption): boolean =>
          a.costUsd <= b.costUsd && a.totalG <= b.totalG && a.durationS <= b.durationS && (a.costUsd < b.costUsd || a.totalG < b.totalG || a.durationS < b.durationS);
        const front = new Set(r.paretoIds);
        for (const o of r.options) {
          const dominated = r.options.some((x) => dom(x, o));
          expect(front.has(o.id)).toBe(!dominated);
          expect(o.pareto).toBe(!dominated);
        }
      }),
      { numRuns: 150 },
    );
  });
});
