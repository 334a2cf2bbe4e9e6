/**
 * A measured CPU-only run planned against the bundled catalog: before the catalog had CPU-only
 * instance types this was INFEASIBLE; now every option is a CPU-only instance, timed by the run's
 * busy vCPU-hours and priced from the catalog's CPU price rows.
 */
import { describe, expect, it } from 'vitest';
import type { RunRecord, Sample } from '../core/index.js';
import { listPrices } from '../catalog/index.js';
import { planWorkload, type RunSource } from './plan.js';

/** A 20 s single-threaded CPU job (like examples/train-mlp.mjs): one core busy, 1 s samples. */
const RUN: RunRecord = {
  id: 'r-cpu-mlp', project: 'default', name: 'train-mlp', command: ['node', 'examples/train-mlp.mjs'], cwd: null, host: 'box', pid: null,
  status: 'succeeded', exitCode: 0, signal: null, statusReason: null, startedAt: 0, endedAt: 20_000, heartbeatAt: 20_000,
  location: null, instance: null, durationS: 20, cpuKwh: 0.0001, gpuKwh: 0, memoryKwh: 0.00001, energyKwh: 0.00011, operationalG: 0.05,
  embodiedG: 0.01, totalG: 0.06, costUsd: null, intensityGPerKwh: 400, footprint: null, tags: {}, params: {}, jobId: null,
};
const SAMPLES: Sample[] = Array.from({ length: 20 }, (_, i) => ({
  t: (i + 1) * 1000, dtS: 1, cpuW: null, gpuW: null, memoryW: null, cpuJ: 0, gpuJ: 0, memoryJ: 0, cpuCores: 1, memoryBytes: null, gpuUtilPct: null, detail: null,
}));
const runs: RunSource = { getRun: async (id) => (id === RUN.id ? RUN : null), listSamples: async () => SAMPLES };
const VCPU_HOURS = 20 / 3600;

describe('planning a CPU-only run on the bundled catalog', () => {
  it('has feasible CPU-only options on all three providers, timed by busy vCPU-hours', async () => {
    const r = await planWorkload({ workload: { kind: 'run', runId: RUN.id } }, { runs });
    expect(r.options.length).toBeGreaterThan(100);
    expect(r.options.every((o) => o.offer.accelerator === null && o.offer.vcpus > 0)).toBe(true);
    expect(new Set(r.options.map((o) => o.offer.provider))).toEqual(new Set(['aws', 'gcp', 'azure']));
    // 20 core-seconds of a single-threaded job take 20 s on a 2-vCPU c6i.large: the second vCPU idles.
    const c6i = r.options.find((o) => o.id === 'c6i.large@aws:us-east-1:on-demand');
    expect(c6i?.durationS).toBeCloseTo(VCPU_HOURS * 3600, 9);
    expect(c6i?.offer.priceUsdPerHour).toBe(listPrices({ instance: 'aws:c6i.large', region: 'aws:us-east-1', pricing: 'on-demand' })[0]?.usdPerHour);
    expect(r.assumptions.find((a) => a.id === 'run')?.text).toMatch(/0\.005556 vCPU-hours \(measured: mean 1\.00 busy vCPUs over 20 s\)/);
  });

  it('recommends an option for every goal, each on the Pareto front', async () => {
    const r = await planWorkload({ workload: { kind: 'run', runId: RUN.id }, optimize: 'carbon' }, { runs });
    expect(r.recommendations.map((x) => x.goal).sort()).toEqual(['balanced', 'carbon', 'cost', 'time']);
    expect(r.recommendations[0]?.goal).toBe('carbon');
    for (const rec of r.recommendations) expect(r.paretoIds).toContain(rec.option.id);
    const greenest = Math.min(...r.options.map((o) => o.totalG));
    expect(r.recommendations[0]?.option.totalG).toBe(greenest);
  });

  it('keeps the usual constraints: a provider filter and spot only', async () => {
    const r = await planWorkload({ workload: { kind: 'run', runId: RUN.id }, constraints: { providers: ['gcp'], pricing: ['spot'] } }, { runs });
    expect(r.options.length).toBeGreaterThan(0);
    expect(r.options.every((o) => o.offer.provider === 'gcp' && o.offer.pricing === 'spot')).toBe(true);
  });
});
