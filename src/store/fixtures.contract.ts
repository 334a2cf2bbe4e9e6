/**
 * Record builders for the store's tests (the contract suite, engine tests, child processes).
 * Values are realistic and exercise the edges: unicode, nulls, large and tiny numbers, nested JSON.
 */
import type { ApiTokenRecord, Footprint, JobRecord, MetricPoint, RunRecord, Sample } from '../core/index.js';

export const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z, epoch ms

export function footprint(): Footprint {
  return {
    durationS: 3723.5,
    components: [
      { component: 'cpu', energyKwh: 0.0123456789, method: 'measured-counter', model: 'RAPL package, busy-share attribution' },
      { component: 'gpu', energyKwh: 1.5e-7, method: 'measured-sampled', model: 'nvidia-smi power.draw', detail: 'GPU 0: NVIDIA A100 — 250 W TDP' },
      { component: 'memory', energyKwh: 0, method: 'modeled', model: '0.3725 W/GB (CCF)' },
    ],
    itEnergyKwh: 0.0123458289,
    pue: { value: 1.1, unit: 'ratio', source: 'Google data centre PUE', year: 2024, url: 'https://www.google.com/about/datacenters/efficiency/' },
    energyKwh: 0.01358041179,
    intensity: { value: 327.5, unit: 'gCO2e/kWh', source: 'Electricity Maps, DE hourly', year: 2025, retrieved: '2026-01-01' },
    intensityResolution: 'time-resolved',
    operationalG: 4.447584861225,
    embodied: [{ item: 'server', totalG: 1_200_000, lifetimeS: 126_144_000, usedS: 3723.5, reservedShare: 0.25, shareG: 8.856, source: 'CCF embodied coefficients' }],
    embodiedG: 8.856,
    totalG: 13.303584861225,
    cost: { usd: 0.1234, basis: 'on-demand', priceUsdPerHour: 3.06, source: 'AWS price list 2025' },
    notes: ['grid intensity is hourly; the run spans 2 hours', 'ünïcødé note — 注意'],
  };
}

export function makeRun(id: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    project: 'default',
    name: `train ${id}`,
    command: ['python', 'train.py', '--lr', '0.001'],
    cwd: '/home/ml/project',
    host: 'gpu-box-01',
    pid: 4_194_303,
    status: 'running',
    exitCode: null,
    signal: null,
    statusReason: null,
    startedAt: T0,
    endedAt: null,
    heartbeatAt: T0,
    location: { region: 'gcp:europe-west4', country: 'NL', label: 'gcp:europe-west4 (Eemshaven, NL)' },
    instance: 'a2-highgpu-1g',
    durationS: 0,
    cpuKwh: 0,
    gpuKwh: 0,
    memoryKwh: 0,
    energyKwh: 0,
    operationalG: 0,
    embodiedG: 0,
    totalG: 0,
    costUsd: null,
    intensityGPerKwh: null,
    footprint: null,
    tags: { team: 'vision' },
    params: { lr: 0.001, epochs: 10, amp: true, optimizer: 'adamw' },
    jobId: null,
    ...over,
  };
}

/** A finished run with every field set, including the ones that are hard to store. */
export function richRun(id: string): RunRecord {
  return makeRun(id, {
    name: 'résumé-训练 🚀 "quoted" \\ back',
    command: ['python', '-c', 'print("héllo\\n")', '--tag=🚀'],
    status: 'failed',
    exitCode: 137,
    signal: 'SIGKILL',
    statusReason: 'stopped by the carbon guard: 2.5 kg budget spent',
    endedAt: T0 + 3_723_500,
    heartbeatAt: T0 + 3_723_000,
    startedAt: 4_102_444_800_123, // 2100-01-01, still an exact integer
    durationS: 3723.5,
    cpuKwh: 0.0123456789,
    gpuKwh: 1.5e-7,
    memoryKwh: 0,
    energyKwh: 0.01358041179,
    operationalG: 4.447584861225,
    embodiedG: 8.856,
    totalG: 13.303584861225,
    costUsd: 123456.789,
    intensityGPerKwh: 327.5,
    footprint: footprint(),
    tags: { team: 'vision', 'ключ': 'значение', empty: '' },
    params: { lr: 3e-4, batch: 9_007_199_254_740_991, amp: false, name: 'ViT-B/16', negative: -0.5 },
    jobId: 'job-42',
  });
}

export function makeSample(t: number, over: Partial<Sample> = {}): Sample {
  return {
    t,
    dtS: 1,
    cpuW: 45.25,
    gpuW: null,
    memoryW: 3.1,
    cpuJ: 45.25,
    gpuJ: 0,
    memoryJ: 3.1,
    cpuCores: 1.75,
    memoryBytes: 1_536_000_000_000,
    gpuUtilPct: null,
    detail: { rapl: { 'package-0': 40.1, dram: 5.15 }, note: 'ok' },
    ...over,
  };
}

export function makeSamples(n: number, from = T0, stepMs = 1000): Sample[] {
  return Array.from({ length: n }, (_, i) => makeSample(from + i * stepMs, { cpuJ: 45.25 * (i + 1), memoryJ: 3.1 * (i + 1) }));
}

export function makeMetric(key: string, step: number | null, t: number, value: number): MetricPoint {
  return { key, step, t, value };
}

export function makeJob(id: string, over: Partial<JobRecord> = {}): JobRecord {
  return {
    id,
    project: 'default',
    name: `nightly ${id}`,
    command: ['python', 'finetune.py'],
    cwd: '/srv/jobs',
    env: { CUDA_VISIBLE_DEVICES: '0', WANDB_MODE: 'offline' },
    spec: {
      durationS: 7200,
      earliestStartMs: T0,
      deadlineMs: T0 + 86_400_000,
      regions: ['DE', 'FR'],
      interruptible: true,
      minChunkS: 900,
      maxPauses: 3,
      resumeCommand: ['python', 'finetune.py', '--resume'],
    },
    plan: {
      region: 'FR',
      windows: [{ startMs: T0 + 3_600_000, endMs: T0 + 10_800_000 }],
      expectedG: 120.5,
      immediateG: 310.25,
      savingG: 189.75,
      forecastSource: 'Electricity Maps forecast, 2026-01-01',
    },
    labels: {},
    state: 'pending',
    dueAtMs: T0,
    runId: null,
    agentId: null,
    leaseUntilMs: null,
    attempts: 0,
    error: null,
    createdAt: T0,
    updatedAt: T0,
    startedAt: null,
    endedAt: null,
    ...over,
  };
}

export function makeToken(id: string, hashSeed: number, over: Partial<ApiTokenRecord> = {}): ApiTokenRecord {
  return {
    id,
    name: `token ${id}`,
    project: null,
    scope: 'ingest',
    hash: hashSeed.toString(16).padStart(64, '0'),
    createdAt: T0,
    lastUsedAt: null,
    revokedAt: null,
    ...over,
  };
}
