/**
 * Data for the dashboard's browser tests, written through the Store port (the same calls the
 * meter and ingest use). One "hero" run is built the way `greenml run` builds one: samples with
 * cumulative energy, metrics, and a footprint from core's computeFootprint with a time-resolved
 * intensity series (real NESO GB actuals from test/fixtures/intensity). Thousands of lighter runs
 * fill the runs table. The intensity cache gets the real NESO forecast issued 2023-03-14T03:31Z, so
 * the schedule page searches a real forecast.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluateBudgets } from '../../src/app/index.js';
import { findRegion, regionIntensity, regionPue } from '../../src/catalog/index.js';
import {
  bestWindow,
  computeFootprint,
  type ComponentEnergy,
  type EnergyInterval,
  type JobRecord,
  type MetricPoint,
  periodBounds,
  type RunRecord,
  type RunStatus,
  type Sample,
} from '../../src/core/index.js';
import { parseIntensityFile } from '../../src/intensity/index.js';
import type { Store } from '../../src/store/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/intensity/files/', import.meta.url));

/** Issue time of the NESO forecast fixture: the server's clock in these tests. */
export const FORECAST_ISSUED_MS = Date.parse('2023-03-14T03:30:00Z');
export const HERO_ID = '01GVHERORUN0000000000000AA';
export const HERO_START_MS = Date.parse('2023-03-14T04:00:00Z');
/** The hero run: 2 h sampled every 30 s, so it spans four half-hourly GB intensity points. */
const HERO_SAMPLES = 240;
const HERO_STEP_S = 30;

/** Mulberry32: deterministic pseudo-random numbers, so every test run seeds the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** GB national intensity: the NESO forecast (as issued) and the actuals that followed. */
export function gbSeries(): { forecast: ReturnType<typeof parseIntensityFile>['series']; actual: ReturnType<typeof parseIntensityFile>['series'] } {
  const forecast = parseIntensityFile(readFileSync(`${FIXTURES}gb-2023-03-14-forecast.csv`, 'utf8'), { name: 'gb-2023-03-14-forecast.csv', zone: 'GB' }).series;
  const actual = parseIntensityFile(readFileSync(`${FIXTURES}gb-2023-03-14-lwa-format.csv`, 'utf8'), { name: 'gb-2023-03-14-lwa-format.csv', zone: 'GB' }).series;
  return {
    forecast: { ...forecast, kind: 'forecast', source: 'NESO national forecast issued 2023-03-14T03:31Z (CC BY 4.0)' },
    actual: { ...actual, kind: 'actual', source: 'NESO national actuals (CC BY 4.0)' },
  };
}

function baseRun(id: string, over: Partial<RunRecord>): RunRecord {
  return {
    id,
    project: 'default',
    name: null,
    command: ['python', 'train.py'],
    cwd: '/home/ml/project',
    host: 'gpu-box-01',
    pid: null,
    status: 'succeeded',
    exitCode: 0,
    signal: null,
    statusReason: null,
    startedAt: 0,
    endedAt: null,
    heartbeatAt: 0,
    location: null,
    instance: null,
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
    tags: {},
    params: {},
    jobId: null,
    ...over,
  };
}

export interface Hero {
  run: RunRecord;
  samples: Sample[];
  metrics: MetricPoint[];
}

/** A 2-hour single-GPU fine-tune in gcp:europe-west2 (London), charged at the GB series. */
export function heroRun(actual: ReturnType<typeof gbSeries>['actual']): Hero {
  const rand = rng(42);
  const samples: Sample[] = [];
  let cpuJ = 0, gpuJ = 0, memoryJ = 0;
  const intervals: EnergyInterval[] = [];
  for (let i = 1; i <= HERO_SAMPLES; i++) {
    const t = HERO_START_MS + i * HERO_STEP_S * 1000;
    // Illustrative profile of one A10G-class GPU job (test data): GPU near its 150 W board limit after
    // a warm-up, a few busy CPU cores, memory at the CCF 0.3725 W/GB coefficient for 16 GB.
    const warm = Math.min(1, i / 20);
    const cpuW = 28 + 12 * rand();
    const gpuW = 40 + 100 * warm + 8 * rand();
    const memoryW = 0.3725 * 16;
    cpuJ += cpuW * HERO_STEP_S;
    gpuJ += gpuW * HERO_STEP_S;
    memoryJ += memoryW * HERO_STEP_S;
    intervals.push({ startMs: t - HERO_STEP_S * 1000, endMs: t, energyKwh: ((cpuW + gpuW + memoryW) * HERO_STEP_S) / 3.6e6 });
    samples.push({ t, dtS: HERO_STEP_S, cpuW, gpuW, memoryW, cpuJ, gpuJ, memoryJ, cpuCores: 3.5, memoryBytes: 9.5e9, gpuUtilPct: 95 * warm, detail: null });
  }
  const metrics: MetricPoint[] = [];
  for (let step = 1; step <= 24; step++) {
    const t = HERO_START_MS + step * 300_000;
    metrics.push({ key: 'loss', value: 2.2 * Math.exp(-step / 8) + 0.15, step, t });
    metrics.push({ key: 'accuracy', value: 0.93 - 0.6 * Math.exp(-step / 6), step, t });
  }
  const region = findRegion('gcp:europe-west2');
  const components: ComponentEnergy[] = [
    { component: 'cpu', energyKwh: cpuJ / 3.6e6, method: 'modeled', model: 'CCF linear per vCPU (Cascade Lake), utilisation from /proc' },
    { component: 'gpu', energyKwh: gpuJ / 3.6e6, method: 'measured-sampled', model: 'nvidia-smi power.draw', detail: 'GPU 0: NVIDIA A10G' },
    { component: 'memory', energyKwh: memoryJ / 3.6e6, method: 'modeled', model: '0.3725 W/GB (CCF)' },
  ];
  const durationS = HERO_SAMPLES * HERO_STEP_S;
  const footprint = computeFootprint({
    durationS,
    components,
    pue: regionPue(region),
    intensity: { kind: 'series', points: actual.points, intervals, source: actual.source, fallback: regionIntensity(region) },
    embodied: [{ item: 'NVIDIA A10G', totalG: 150_000, lifetimeS: 4 * 31_536_000, usedS: durationS, reservedShare: 1, shareG: (150_000 * durationS) / (4 * 31_536_000), source: 'Test data: 150 kg over 4 years (CCF server lifespan)' }],
    price: { kind: 'electricity', priceUsdPerKwh: 0.3, source: 'Test data: 0.30 USD/kWh' },
  });
  const run = baseRun(HERO_ID, {
    project: 'vision',
    name: 'vit-finetune',
    command: ['python', 'train.py', '--model', 'vit-b16', '--lr', '3e-4'],
    startedAt: HERO_START_MS,
    endedAt: HERO_START_MS + durationS * 1000,
    heartbeatAt: HERO_START_MS + durationS * 1000,
    location: { region: 'gcp:europe-west2', country: 'GB', label: 'gcp:europe-west2 (London, GB)' },
    durationS,
    cpuKwh: components[0]!.energyKwh,
    gpuKwh: components[1]!.energyKwh,
    memoryKwh: components[2]!.energyKwh,
    energyKwh: footprint.energyKwh,
    operationalG: footprint.operationalG,
    embodiedG: footprint.embodiedG,
    totalG: footprint.totalG,
    costUsd: footprint.cost?.usd ?? null,
    intensityGPerKwh: footprint.intensity.value,
    // As greenml run records it: the zone the series was read for, so the run page reads it again.
    footprint: { ...footprint, intensityZone: actual.zone },
    tags: { team: 'vision' },
    params: { lr: 3e-4, model: 'vit-b16', epochs: 3 },
  });
  return { run, samples, metrics };
}

const STATUSES: RunStatus[] = ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed', 'stopped-by-guard', 'lost'];
const PROJECTS = ['vision', 'nlp', 'speech', 'recsys'];

/** `count` runs over the 40 days before `nowMs`, plus a 12-run learning-rate sweep with accuracy. */
export function manyRuns(count: number, nowMs: number): { runs: RunRecord[]; sweepMetrics: Map<string, MetricPoint[]> } {
  const rand = rng(7);
  const runs: RunRecord[] = [];
  for (let i = 0; i < count; i++) {
    const startedAt = nowMs - Math.floor(rand() * 40 * 86_400_000) - 60_000;
    const durationS = 60 + Math.floor(rand() * 4 * 3600);
    const cpuKwh = (durationS * (20 + 30 * rand())) / 3.6e6;
    const gpuKwh = rand() < 0.7 ? (durationS * (100 + 200 * rand())) / 3.6e6 : 0;
    const energyKwh = (cpuKwh + gpuKwh) * 1.1;
    const intensity = 50 + 400 * rand();
    const operationalG = energyKwh * intensity;
    const status = STATUSES[Math.floor(rand() * STATUSES.length)] as RunStatus;
    runs.push(
      baseRun(`01GVMANY${String(i).padStart(18, '0')}`, {
        project: PROJECTS[i % PROJECTS.length] as string,
        name: `exp-${i}`,
        command: ['python', 'train.py', '--seed', String(i)],
        status,
        exitCode: status === 'succeeded' ? 0 : status === 'failed' ? 1 : null,
        startedAt,
        endedAt: startedAt + durationS * 1000,
        heartbeatAt: startedAt + durationS * 1000,
        durationS,
        cpuKwh,
        gpuKwh,
        energyKwh,
        operationalG,
        embodiedG: operationalG * 0.1,
        totalG: operationalG * 1.1,
        costUsd: rand() < 0.6 ? Math.round(durationS * 0.00034 * 100) / 100 : null,
        intensityGPerKwh: intensity,
        tags: { seed: String(i) },
      }),
    );
  }
  // The random runs cross the vision budget's 80 % only hours into a month; this one, at the month's
  // first minute, keeps the budget in alarm whenever the tests run (CI early on the 1st found none).
  const monthStart = periodBounds('month', nowMs).startMs;
  const monthEnd = Math.min(monthStart + 600_000, nowMs);
  runs.push(
    baseRun('01GVMONTHSTART000000000000', {
      project: 'vision',
      name: 'month-start',
      startedAt: monthStart,
      endedAt: monthEnd,
      heartbeatAt: monthEnd,
      durationS: (monthEnd - monthStart) / 1000,
      gpuKwh: 3,
      energyKwh: 3,
      operationalG: 900,
      totalG: 900,
      intensityGPerKwh: 300,
    }),
  );
  const sweepMetrics = new Map<string, MetricPoint[]>();
  for (let k = 0; k < 12; k++) {
    const id = `01GVSWEEP${String(k).padStart(17, '0')}`;
    const lr = 1e-4 * 2 ** k;
    const startedAt = nowMs - (k + 1) * 3_600_000;
    const durationS = 600 + 300 * k;
    const energyKwh = (durationS * 180) / 3.6e6;
    runs.push(
      baseRun(id, {
        project: 'sweep',
        name: `lr-${lr.toExponential(0)}`,
        startedAt,
        endedAt: startedAt + durationS * 1000,
        heartbeatAt: startedAt + durationS * 1000,
        durationS,
        gpuKwh: energyKwh,
        energyKwh,
        operationalG: energyKwh * 200,
        totalG: energyKwh * 200,
        intensityGPerKwh: 200,
        params: { lr },
      }),
    );
    // Accuracy peaks at a middle learning rate; longer runs are not always better.
    const acc = 0.9 - 0.02 * Math.abs(k - 6) + 0.01 * rand();
    sweepMetrics.set(id, [
      { key: 'accuracy', value: acc - 0.1, step: 1, t: startedAt + 60_000 },
      { key: 'accuracy', value: acc, step: 2, t: startedAt + 120_000 },
    ]);
  }
  return { runs, sweepMetrics };
}

/**
 * A job planned the way the scheduler plans one: core's window search over the real forecast, for a
 * 2-hour evaluation of 2 kWh (test data) that may start from 17:00 and must end by 03:00 UTC the next day.
 */
export function scheduledJob(forecast: ReturnType<typeof gbSeries>['forecast']): JobRecord {
  const spec = { durationS: 7200, earliestStartMs: Date.parse('2023-03-14T17:00:00Z'), deadlineMs: Date.parse('2023-03-15T03:00:00Z') };
  const w = bestWindow(forecast.points, { ...spec, energyKwh: 2 });
  return {
    id: '01GVJOB0000000000000000001',
    project: 'vision',
    name: 'nightly eval',
    command: ['python', 'eval.py'],
    cwd: null,
    env: {},
    spec: { ...spec, regions: ['GB'], interruptible: false, minChunkS: 0, maxPauses: 0 },
    plan: { region: 'GB', windows: [{ startMs: w.startMs, endMs: w.endMs }], expectedG: w.co2eG, immediateG: w.baseline.co2eG, savingG: w.savedCo2eG, forecastSource: forecast.source },
    labels: {},
    state: 'pending',
    dueAtMs: w.startMs,
    runId: null,
    agentId: null,
    leaseUntilMs: null,
    attempts: 0,
    error: null,
    createdAt: FORECAST_ISSUED_MS,
    updatedAt: FORECAST_ISSUED_MS,
    startedAt: null,
    endedAt: null,
  };
}

export interface Seeded {
  hero: Hero;
  job: JobRecord;
  runCount: number;
}

/** Fills a store for the dashboard: the hero run, `count` runs, the sweep, a job, a budget in alarm. */
export async function seedStore(store: Store, count: number, nowMs: number): Promise<Seeded> {
  const gb = gbSeries();
  await store.putIntensity(gb.forecast);
  await store.putIntensity(gb.actual);
  const hero = heroRun(gb.actual);
  await store.importRunBundle({ format: 'greenml.run-bundle', version: 1, run: hero.run, samples: hero.samples, metrics: hero.metrics });
  const { runs, sweepMetrics } = manyRuns(count, nowMs);
  for (const r of runs) await store.createRun(r);
  for (const [id, points] of sweepMetrics) await store.appendMetrics(id, points);
  const job = scheduledJob(gb.forecast);
  await store.createJob(job);
  await store.putBudget({
    id: 'budget-vision-co2',
    name: 'vision-monthly-co2',
    scope: { project: 'vision' },
    kind: 'co2e',
    limit: { amount: 1, unit: 'kgCO2e' },
    period: 'month',
    notifications: [{ type: 'actual', threshold: 80, thresholdType: 'percentage' }],
    webhooks: [],
    createdAt: nowMs - 86_400_000,
    updatedAt: nowMs - 86_400_000,
  });
  // The real evaluation: stores the month's state (in alarm) and the crossing as an alert. No webhooks, so nothing is sent.
  await evaluateBudgets({ store, nowMs, fetch: () => Promise.reject(new Error('no webhook configured')), sleep: async () => undefined });
  return { hero, job, runCount: runs.length + 1 };
}
