import { describe, expect, it } from 'vitest';
import { GreenmlError, type PlanResult, type RunRecord, type Sample } from '../core/index.js';
import { loadPlanFixtureCatalog } from '../../test/fixtures/plan/catalog.js';
import { acceleratorInText, bundledPlanCatalog, offersFromCatalog, planWorkload, type PlanRequest, type RunSource } from './plan.js';

const catalog = loadPlanFixtureCatalog();
const GOLDEN = '../../test/fixtures/plan/golden';

/** Figures rounded to 6 significant digits so a golden does not move with float noise. */
const r6 = (x: number): number => Number(x.toPrecision(6));
function summary(r: PlanResult): unknown {
  return {
    workload: r.workload,
    optimize: r.optimize,
    evaluated: r.evaluated,
    remaining: r.remaining,
    options: r.options.map((o) => ({
      id: o.id,
      pareto: o.pareto,
      hours: r6(o.durationS / 3600),
      energyKwh: r6(o.energyKwh),
      operationalKg: r6(o.operationalG / 1000),
      embodiedKg: r6(o.embodiedG / 1000),
      costUsd: r6(o.costUsd),
      notes: o.notes,
    })),
    paretoIds: r.paretoIds,
    current: { id: r.current.option.id, basis: r.current.basis, rule: r.current.rule, excludedBy: r.current.excludedBy },
    recommendations: r.recommendations.map((x) => x.sentence),
    assumptions: r.assumptions.map((a) => `${a.id}: ${a.text} [${a.source}]`),
  };
}
const golden = (r: PlanResult): string => JSON.stringify(summary(r), null, 1) + '\n';

function run(over: Partial<RunRecord>): RunRecord {
  return {
    id: 'r-0001', project: 'default', name: null, command: ['python', 'train.py'], cwd: null, host: 'box', pid: null,
    status: 'succeeded', exitCode: 0, signal: null, statusReason: null, startedAt: 0, endedAt: 7_200_000, heartbeatAt: 7_200_000,
    location: null, instance: null, durationS: 7200, cpuKwh: 0.2, gpuKwh: 0, memoryKwh: 0.05, energyKwh: 0.25, operationalG: 100,
    embodiedG: 10, totalG: 110, costUsd: null, intensityGPerKwh: 400, footprint: null, tags: {}, params: {}, jobId: null,
    ...over,
  };
}
const runs = (rec: RunRecord, samples: Sample[] = []): RunSource => ({
  getRun: async (id) => (id === rec.id ? rec : null),
  listSamples: async () => samples,
});
const plan = (req: PlanRequest, runSource?: RunSource) => planWorkload(req, { catalog, runs: runSource });

describe('offersFromCatalog', () => {
  it('makes one offer per price row, with the catalog figures and their sources', () => {
    const offers = offersFromCatalog(catalog);
    expect(offers).toHaveLength(catalog.prices.length);
    const p5 = offers.find((o) => o.instanceType === 'p5.48xlarge' && o.region === 'us-east-1' && o.pricing === 'on-demand');
    expect(p5?.priceUsdPerHour).toBe(55.04);
    expect(p5?.accelerator).toMatchObject({ id: 'nvidia-h100-sxm5-80gb', count: 8, tdpW: 700, idleW: 77, memoryGb: 80 });
    expect(p5?.accelerator?.denseTflops.bf16).toBe(989.4);
    expect(p5?.cpu).toMatchObject({ architecture: 'EPYC 3rd Gen' });
    expect(p5?.intensity).toMatchObject({ value: 308, unit: 'gCO2e/kWh', year: 2020 });
    expect(p5?.pue.value).toBe(1.135);
    expect(p5?.embodied).toMatchObject({ kind: 'platform', platformG: 2_200_000, lifespanH: 35_040 });
    const tpu = offers.find((o) => o.instanceType === 'tpu-v5litepod-8');
    expect(tpu?.vcpus).toBe(0);
    expect(tpu?.cpu.architecture).toBe('TPU slice: host not modelled');
  });

  it('hand-checks one option of the 7B plan against the fixture values', async () => {
    const r = await plan({ workload: { kind: 'training', params: 7e9, tokens: 1e12 } });
    const o = r.options.find((x) => x.id === 'p5.48xlarge@aws:us-east-1:on-demand');
    const epyc3 = catalog.cpuArchitectures.find((a) => a.id === 'aws:epyc-3rd-gen');
    const t = (6 * 7e9 * 1e12) / (8 * 989.4e12 * 0.4);
    const itW = 8 * (77 + 0.76 * (700 - 77)) + 192 * ((epyc3?.minWPerVcpu ?? NaN) + 0.5 * ((epyc3?.maxWPerVcpu ?? NaN) - (epyc3?.minWPerVcpu ?? NaN))) + 2048 * 0.392;
    const kwh = ((itW * t) / 3.6e6) * 1.135;
    expect(o?.durationS).toBeCloseTo(t, 3);
    expect(o?.energyKwh).toBeCloseTo(kwh, 3);
    expect(o?.totalG).toBeCloseTo(kwh * 308 + (2_200_000 * t) / 3600 / 35_040, 0);
    expect(o?.costUsd).toBeCloseTo((55.04 * t) / 3600, 4);
  });
});

describe('planWorkload goldens on the fixed test catalog', () => {
  it('7B parameters on 1T tokens, default goal (balanced)', async () => {
    const r = await plan({ workload: { kind: 'training', params: 7e9, tokens: 1e12 } });
    await expect(golden(r)).toMatchFileSnapshot(`${GOLDEN}/params-7e9-tokens-1e12.json`);
    expect(r.options.length).toBeGreaterThan(0);
    expect(r.recommendations[0]?.goal).toBe('balanced');
  });

  it('100 A100-80GB hours, lowest carbon, AWS and GCP only', async () => {
    const r = await plan({ workload: { kind: 'accelerator-hours', hours: 100, on: 'A100-80GB' }, optimize: 'carbon', constraints: { providers: ['aws', 'gcp'] } });
    await expect(golden(r)).toMatchFileSnapshot(`${GOLDEN}/gpu-hours-100-a100-carbon.json`);
    expect(r.options.every((o) => o.offer.provider !== 'azure')).toBe(true);
  });

  it('1B parameters on 20B tokens, cheapest within 2 days, on-demand or spot, against a given current choice', async () => {
    const r = await plan({
      workload: { kind: 'training', params: 1e9, tokens: 2e10 },
      optimize: 'cost',
      current: 'p4de.24xlarge@us-east-1',
      constraints: { deadlineS: 2 * 86_400, pricing: ['on-demand', 'spot'] },
    });
    await expect(golden(r)).toMatchFileSnapshot(`${GOLDEN}/params-1e9-deadline-2d-cost.json`);
    expect(r.options.every((o) => o.durationS <= 2 * 86_400 && o.offer.pricing !== 'reserved-1y')).toBe(true);
  });

  it('a measured GPU run, scaled to every accelerator with its measured power', async () => {
    const rec = run({
      id: 'r-gpu',
      gpuKwh: 2 * 0.3 * 2, // 2 boards x 300 W x 2 h
      footprint: {
        durationS: 7200, components: [{ component: 'gpu', energyKwh: 1.2, method: 'measured-counter', model: 'NVML total energy counter', detail: '2 x NVIDIA A100-SXM4-80GB' }],
        itEnergyKwh: 1.2, pue: { value: 1, unit: 'ratio', source: 'x' }, energyKwh: 1.2, intensity: { value: 400, unit: 'gCO2e/kWh', source: 'x' },
        intensityResolution: 'annual-average', operationalG: 480, embodied: [], embodiedG: 0, totalG: 480, cost: null, notes: [],
      },
    });
    const r = await plan({ workload: { kind: 'run', runId: 'r-gpu' } }, runs(rec));
    await expect(golden(r)).toMatchFileSnapshot(`${GOLDEN}/from-run-gpu.json`);
    // 300 W mean per A100 (idle 46 W, TDP 400 W): (300 - 46) / (400 - 46) of the way to TDP.
    expect(r.assumptions.find((a) => a.id === 'power-utilization')?.value).toBeCloseTo((300 - 46) / (400 - 46), 9);
    // 4 A100-hours take 4 / 8 hours on the 8 x A100-80GB p4de (same board).
    expect(r.options.find((o) => o.id === 'p4de.24xlarge@aws:us-east-1:on-demand')?.durationS).toBeCloseTo(1800, 6);
  });

  it('a measured CPU-only run, scaled by vCPU-hours to CPU-only instances', async () => {
    const samples: Sample[] = Array.from({ length: 4 }, (_, i) => ({
      t: (i + 1) * 1_800_000, dtS: 1800, cpuW: null, gpuW: null, memoryW: null, cpuJ: 0, gpuJ: 0, memoryJ: 0,
      cpuCores: 8, memoryBytes: null, gpuUtilPct: null, detail: null,
    }));
    const r = await plan({ workload: { kind: 'run', runId: 'r-0001' } }, runs(run({}), samples));
    await expect(golden(r)).toMatchFileSnapshot(`${GOLDEN}/from-run-cpu.json`);
    // 8 busy cores for 2 h = 16 vCPU-hours. The job showed 8-way parallelism, so a 64-vCPU instance
    // still takes 2 h (its other 56 vCPUs idle); told it scales further, 15 min.
    expect(r.options.find((o) => o.id === 'c7i.16xlarge@aws:us-east-1:on-demand')?.durationS).toBeCloseTo(7200, 6);
    const scaled = await plan({ workload: { kind: 'run', runId: 'r-0001' }, parallelism: 64 }, runs(run({}), samples));
    expect(scaled.options.find((o) => o.id === 'c7i.16xlarge@aws:us-east-1:on-demand')?.durationS).toBeCloseTo(900, 6);
  });
});

describe('planWorkload errors', () => {
  it('INFEASIBLE names the constraint that removed the last options', async () => {
    const e = await plan({ workload: { kind: 'training', params: 7e9, tokens: 1e12 }, constraints: { deadlineS: 7 * 86_400, providers: ['gcp'] } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GreenmlError);
    expect((e as GreenmlError).code).toBe('INFEASIBLE');
    await expect((e as GreenmlError).message + '\n').toMatchFileSnapshot(`${GOLDEN}/infeasible-deadline.txt`);
    expect((e as GreenmlError).message).toMatch(/the deadline of 7d 0h 0m removed the last \d+: the fastest of them, a3-highgpu-8g@gcp:[a-z0-9-]+:on-demand, takes/);
  });

  it('unknown accelerators, providers and runs say what to do', async () => {
    await expect(plan({ workload: { kind: 'accelerator-hours', hours: 1, on: 'h10' } })).rejects.toThrow(/Unknown accelerator "h10"\. Did you mean/);
    await expect(plan({ workload: { kind: 'training', params: 1e9, tokens: 1e9 }, constraints: { providers: ['oracle'] } })).rejects.toThrow('Unknown provider "oracle": the catalog has aws, azure, gcp.');
    await expect(plan({ workload: { kind: 'run', runId: 'nope' } }, runs(run({})))).rejects.toThrow(/No run "nope" in the store/);
    await expect(plan({ workload: { kind: 'training', params: 1e9, tokens: 1e9 }, bound: 'memory' })).rejects.toThrow(/--bound memory needs --from-run or --gpu-hours/);
    const gpuRun = run({ id: 'r-x', gpuKwh: 1 });
    await expect(plan({ workload: { kind: 'run', runId: 'r-x' } }, runs(gpuRun))).rejects.toThrow(/used a GPU, but its record does not say which: pass --on/);
  });

  it('finds the accelerator a record names, preferring the longest alias', () => {
    expect(acceleratorInText(catalog, 'NVIDIA A100-SXM4-80GB, 81920 MiB')?.id).toBe('nvidia-a100-sxm4-80gb');
    expect(acceleratorInText(catalog, '1 x NVIDIA H100 80GB HBM3')?.id).toBe('nvidia-h100-sxm5-80gb');
    expect(acceleratorInText(catalog, 'Tesla T4')?.id).toBe('nvidia-t4');
    expect(acceleratorInText(catalog, 'no gpu here')).toBeNull();
  });
});

describe('the bundled catalog', () => {
  it('maps every price row whose instance and region it knows into an offer, and plans the 7B example', async () => {
    const cat = bundledPlanCatalog();
    const offers = offersFromCatalog(cat);
    expect(offers.length).toBeGreaterThan(1000);
    const r = await planWorkload({ workload: { kind: 'training', params: 7e9, tokens: 1e12 } });
    // Training plans leave out the inference-only Inferentia instances.
    expect(r.evaluated).toBe(offers.filter((o) => !o.accelerator?.id.startsWith('aws-inferentia')).length);
    expect(r.evaluated).toBeLessThan(offers.length);
    expect(r.options.length).toBeGreaterThan(0);
    expect(r.paretoIds.length).toBeGreaterThan(0);
  });
});
