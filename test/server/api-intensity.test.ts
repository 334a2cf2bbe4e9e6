/**
 * Intensity, the Carbon Aware SDK-compatible endpoints (exact shapes, values recomputed from the
 * committed fixtures), the catalog and plan routes, Prometheus metrics and the OpenAPI document.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { JOULES_PER_KWH } from '../../src/core/index.js';
import { T0, makeJob, makeRun } from '../../src/store/fixtures.contract.js';
import { GB_NOW, makeServer, type TestServer } from './harness.js';

let s: TestServer;
afterEach(async () => {
  await s?.close();
});

const fixture = (p: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/intensity/${p}`, import.meta.url)), 'utf8');
const HALF_HOUR = 1_800_000;

/** The recorded GB national forecast, as (start, value) pairs. */
const gbForecast = (): { t: number; v: number }[] =>
  (JSON.parse(fixture('gb/national-fw48h-2023-03-14T0330Z.json')) as { data: { from: string; intensity: { forecast: number } }[] }).data.map((d) => ({
    t: Date.parse(d.from.replace('Z', ':00Z')),
    v: d.intensity.forecast,
  }));

/** ES 2023-06-01..02 hourly life-cycle intensity from the Electricity Maps export. */
const esHourly = (): { t: number; v: number }[] =>
  fixture('files/ES_2023-06-01_hourly.csv')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const cells = line.split(',');
      return { t: Date.parse(`${(cells[0] as string).replace(' ', 'T')}Z`), v: Number(cells[5]) };
    });

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', '+00:00');
/** As a client puts it in a query string. */
const q = (ms: number): string => encodeURIComponent(iso(ms));

describe('Carbon Aware SDK endpoints', () => {
  it('forecasts/current: one EmissionsForecastDTO per location with rolling averages over windowSize minutes and every optimal window', async () => {
    s = await makeServer();
    const r = await s.call('GET', '/emissions/forecasts/current?location=GB&windowSize=120');
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(1);
    const f = r.body[0];
    expect(Object.keys(f)).toEqual(['generatedAt', 'requestedAt', 'location', 'dataStartAt', 'dataEndAt', 'windowSize', 'optimalDataPoints', 'forecastData']);
    expect(f).toMatchObject({ location: 'GB', windowSize: 120, generatedAt: iso(GB_NOW), dataStartAt: iso(GB_NOW), dataEndAt: iso(GB_NOW + 48 * HALF_HOUR) });
    // Two-hour windows over half-hourly values: the mean of four consecutive values, every 30 minutes.
    const values = gbForecast().filter((p) => p.t >= GB_NOW && p.t < GB_NOW + 48 * HALF_HOUR);
    const expected = values.slice(0, values.length - 3).map((p, i) => ({ location: 'GB', timestamp: iso(p.t), duration: 120, value: (values[i]!.v + values[i + 1]!.v + values[i + 2]!.v + values[i + 3]!.v) / 4 }));
    expect(f.forecastData).toHaveLength(45);
    f.forecastData.forEach((d: { value: number }, i: number) => {
      expect(Object.keys(d)).toEqual(['location', 'timestamp', 'duration', 'value']);
      expect(d).toMatchObject({ ...expected[i], value: expect.closeTo(expected[i]!.value, 9) });
    });
    const min = Math.min(...expected.map((e) => e.value));
    expect(f.optimalDataPoints.map((d: { timestamp: string }) => d.timestamp)).toEqual(expected.filter((e) => Math.abs(e.value - min) < 1e-9).map((e) => e.timestamp));
  });

  it('forecasts/current honours dataStartAt and dataEndAt (windows end by dataEndAt) and refuses a span outside the forecast', async () => {
    s = await makeServer();
    const from = GB_NOW + 4 * HALF_HOUR;
    const to = from + 8 * HALF_HOUR;
    const r = await s.call('GET', `/emissions/forecasts/current?location=GB&dataStartAt=${q(from)}&dataEndAt=${q(to)}&windowSize=60`);
    expect(r.status).toBe(200);
    expect(r.body[0].forecastData.map((d: { timestamp: string }) => d.timestamp)).toEqual(Array.from({ length: 7 }, (_, i) => iso(from + i * HALF_HOUR)));
    const raw = await s.call('GET', `/emissions/forecasts/current?location=GB&dataStartAt=${q(from)}&dataEndAt=${iso(to)}`);
    expect(raw.body[0].forecastData.every((d: { duration: number }) => d.duration === 30)).toBe(true);
    const outside = await s.call('GET', `/emissions/forecasts/current?location=GB&dataStartAt=${q(GB_NOW + 60 * 86_400_000)}&windowSize=60`);
    expect(outside.status).toBeGreaterThanOrEqual(400);
    expect((await s.call('GET', '/emissions/forecasts/current?location=GB&windowSize=-5')).status).toBe(400);
    expect((await s.call('GET', '/emissions/forecasts/current?windowSize=60')).body.error.details.field).toBe('location');
  });

  it('bylocations/best: the lowest points across locations and times, ties kept; 204 when no data', async () => {
    s = await makeServer();
    const from = Date.UTC(2023, 5, 1);
    const to = from + 86_400_000;
    const es = esHourly().filter((p) => p.t >= from && p.t < to);
    const all = await s.call('GET', `/emissions/bylocations?location=ES&time=${q(from)}&toTime=${q(to)}`);
    expect(all.body).toEqual(es.map((p) => ({ location: 'ES', time: iso(p.t), rating: p.v, duration: '01:00:00' })));
    const best = await s.call('GET', `/emissions/bylocations/best?location=ES&time=${q(from)}&toTime=${q(to)}`);
    const min = Math.min(...es.map((p) => p.v));
    expect(best.body).toEqual(es.filter((p) => p.v === min).map((p) => ({ location: 'ES', time: iso(p.t), rating: min, duration: '01:00:00' })));
    // Across locations: on 2023-03-14 ES has nothing and GB has its recorded actuals.
    const actuals = (JSON.parse(fixture('gb/national-range-2023-03-14T0330Z-2023-03-15T0330Z.json')) as { data: { from: string; intensity: { actual: number | null } }[] }).data
      .map((d) => ({ t: Date.parse(d.from.replace('Z', ':00Z')), v: d.intensity.actual }))
      .filter((p) => p.t >= Date.UTC(2023, 2, 14, 4) && p.t < Date.UTC(2023, 2, 14, 8) && p.v !== null) as { t: number; v: number }[];
    const gbMin = Math.min(...actuals.map((p) => p.v));
    const gb = await s.call('GET', '/emissions/bylocations/best?location=ES&location=GB&time=2023-03-14T04:00:00Z&toTime=2023-03-14T08:00:00Z');
    expect(gb.body).toEqual(actuals.filter((p) => p.v === gbMin).map((p) => ({ location: 'GB', time: iso(p.t), rating: gbMin, duration: '00:30:00' })));
    const none = await s.call('GET', '/emissions/bylocations/best?location=ES&time=2020-01-01T00:00:00Z&toTime=2020-01-02T00:00:00Z');
    expect(none.status).toBe(204);
    expect(none.text).toBe('');
    expect((await s.call('GET', '/emissions/bylocations?location=ES&time=last-tuesday')).body.error.details.field).toBe('time');
    const unknown = await s.call('GET', '/emissions/bylocations?location=FR&time=2023-06-01T00:00:00Z&toTime=2023-06-01T02:00:00Z');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('UNKNOWN_ID');
  });
});

describe('greenml intensity routes', () => {
  it('serves a zone history and forecast with the source described, and the best window for a job', async () => {
    s = await makeServer({ nowMs: Date.UTC(2023, 5, 2) });
    const from = Date.UTC(2023, 5, 1);
    const hist = await s.call('GET', `/api/v1/intensity/ES?fromMs=${from}&toMs=${from + 6 * 3_600_000}`);
    expect(hist.status).toBe(200);
    expect(hist.body.series.points.map((p: { intensityGPerKwh: number }) => p.intensityGPerKwh)).toEqual(esHourly().slice(0, 6).map((p) => p.v));
    expect(hist.body.source).toMatchObject({ id: 'file', signal: 'average' });
    const fc = await s.call('GET', '/api/v1/intensity/ES?kind=forecast');
    expect(fc.body.series.kind).toBe('forecast');
    expect(fc.body.series.source).toMatch(/baseline/);
    const win = await s.call('GET', `/api/v1/intensity/GB/window?durationS=7200&earliestStartMs=${GB_NOW}&deadlineMs=${GB_NOW + 24 * 3_600_000}`);
    expect(win.status).toBe(200);
    const values = gbForecast().filter((p) => p.t >= GB_NOW && p.t < GB_NOW + 48 * HALF_HOUR);
    const means = values.slice(0, values.length - 3).map((_, i) => (values[i]!.v + values[i + 1]!.v + values[i + 2]!.v + values[i + 3]!.v) / 4);
    expect(win.body.meanIntensityGPerKwh).toBeCloseTo(Math.min(...means), 9);
    expect(win.body).toMatchObject({ strategy: 'contiguous', zone: 'GB', durationS: 7200 });
    expect((await s.call('GET', `/api/v1/intensity/GB/window?durationS=7200&deadlineMs=${GB_NOW - 1}`)).status).toBe(400);
    expect((await s.call('GET', '/api/v1/intensity/FR')).status).toBe(404);
  });

  it('keeps and returns the intensity cache', async () => {
    s = await makeServer();
    const series = { zone: 'DE', signal: 'average', kind: 'actual', source: 'test', points: [{ t: T0, durationS: 3600, intensityGPerKwh: 300 }] };
    expect((await s.call('POST', '/api/v1/intensity-cache', { body: series })).status).toBe(204);
    expect((await s.call('GET', `/api/v1/intensity-cache/DE?fromMs=${T0}&toMs=${T0 + 3_600_000}`)).body).toEqual(series);
    expect((await s.call('GET', `/api/v1/intensity-cache/FR?fromMs=${T0}&toMs=${T0 + 3_600_000}`)).status).toBe(404);
  });
});

describe('catalog and plan', () => {
  it('lists catalog tables with filters and shows any record with its sources', async () => {
    s = await makeServer();
    const regions = await s.call('GET', '/api/v1/catalog/regions?provider=gcp&maxIntensity=20');
    expect(regions.body.regions.length).toBeGreaterThan(0);
    expect(regions.body.regions.every((r: { provider: string; intensityGPerKwh: number }) => r.provider === 'gcp' && r.intensityGPerKwh <= 20)).toBe(true);
    const gpus = await s.call('GET', '/api/v1/catalog/accelerators?kind=gpu&minMemoryGb=80');
    expect(gpus.body.accelerators.map((a: { id: string }) => a.id)).toContain('nvidia-h100-sxm5-80gb');
    const instances = await s.call('GET', '/api/v1/catalog/instances?provider=aws&accelerator=h100');
    expect(instances.body.instances.map((i: { id: string }) => i.id)).toContain('aws:p5.48xlarge');
    const prices = await s.call('GET', '/api/v1/catalog/prices?instance=p5.48xlarge&region=us-east-1&pricing=on-demand');
    expect(prices.body.prices.length).toBeGreaterThan(0);
    expect(prices.body.prices.every((p: { pricing: string }) => p.pricing === 'on-demand')).toBe(true);
    const entry = await s.call('GET', '/api/v1/catalog/entries/aws:us-east-1');
    expect(entry.body).toMatchObject({ kind: 'region', id: 'aws:us-east-1' });
    expect(entry.body.fields.find((f: { name: string }) => f.name === 'intensityGPerKwh')).toMatchObject({ unit: expect.any(String), source: expect.any(String) });
    expect((await s.call('GET', '/api/v1/catalog/entries/no-such-thing')).body.error.code).toBe('UNKNOWN_ID');
    expect((await s.call('GET', '/api/v1/catalog/regions?provider=ibm')).status).toBeGreaterThanOrEqual(400);
  });

  it('plans a workload, names the constraint that left nothing (422), and plans a stored run', async () => {
    s = await makeServer();
    const plan = await s.call('POST', '/api/v1/plan', { body: { workload: { kind: 'accelerator-hours', hours: 100, on: 'h100' }, constraints: { providers: ['aws'] }, optimize: 'carbon' } });
    expect(plan.status).toBe(200);
    expect(plan.body.options.length).toBeGreaterThan(0);
    expect(plan.body.optimize).toBe('carbon');
    expect(plan.body.paretoIds.length).toBeGreaterThan(0);
    const infeasible = await s.call('POST', '/api/v1/plan', { body: { workload: { kind: 'training', params: 7e9, tokens: 1.4e12 }, constraints: { deadlineS: 1 } } });
    expect(infeasible.status).toBe(422);
    expect(infeasible.body.error.code).toBe('INFEASIBLE');
    const bad = await s.call('POST', '/api/v1/plan', { body: { workload: { kind: 'training', params: -1, tokens: 5 } } });
    expect(bad.body.error.details.field).toBe('workload.params');
    await s.store.createRun(makeRun('plan-run-01', { durationS: 3600, gpuKwh: 0.5, energyKwh: 0.6, instance: 'p4d.24xlarge' }));
    const fromRun = await s.call('POST', '/api/v1/plan', { body: { workload: { kind: 'run', runId: 'plan-run-01', on: 'a100' } } });
    expect(fromRun.status).toBe(200);
    expect(fromRun.body.workload.label).toMatch(/run plan-run-01/);
    expect((await s.call('POST', '/api/v1/plan', { body: { workload: { kind: 'run', runId: 'no-such-run' } } })).status).toBe(404);
  });
});

describe('Prometheus /metrics', () => {
  it('exposes energy in joules by project and component, grams by kind, dollars, runs by status and the job queue, without run ids', async () => {
    s = await makeServer();
    await s.store.createRun(makeRun('m-run-1', { project: 'alpha', status: 'succeeded', cpuKwh: 0.5, gpuKwh: 1.5, memoryKwh: 0.1, energyKwh: 2.31, operationalG: 400, embodiedG: 20, totalG: 420, costUsd: 3.25 }));
    await s.store.createRun(makeRun('m-run-2', { project: 'alpha', status: 'running', cpuKwh: 0.5, energyKwh: 0.55, operationalG: 100, costUsd: null }));
    await s.store.createRun(makeRun('m-run-3', { project: 'beta', status: 'failed' }));
    await s.store.createJob(makeJob('m-job-1'));
    const r = await s.call('GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const value = (series: string): number => {
      const line = r.text.split('\n').find((l) => l.startsWith(`${series} `));
      expect(line, series).toBeDefined();
      return Number(line!.slice(series.length + 1));
    };
    expect(value('greenml_energy_joules_total{project="alpha",component="cpu"}')).toBeCloseTo(1.0 * JOULES_PER_KWH, 3);
    expect(value('greenml_energy_joules_total{project="alpha",component="gpu"}')).toBeCloseTo(1.5 * JOULES_PER_KWH, 3);
    expect(value('greenml_energy_joules_total{project="alpha",component="memory"}')).toBeCloseTo(0.1 * JOULES_PER_KWH, 3);
    // facility 2.86 kWh - IT 2.6 kWh = 0.26 kWh of PUE overhead
    expect(value('greenml_energy_joules_total{project="alpha",component="overhead"}')).toBeCloseTo(0.26 * JOULES_PER_KWH, 3);
    expect(value('greenml_emissions_grams_total{project="alpha",kind="operational"}')).toBe(500);
    expect(value('greenml_emissions_grams_total{project="alpha",kind="embodied"}')).toBe(20);
    expect(value('greenml_cost_usd_total{project="alpha"}')).toBe(3.25);
    expect(value('greenml_runs{status="running"}')).toBe(1);
    expect(value('greenml_runs{status="failed"}')).toBe(1);
    expect(value('greenml_jobs{state="pending"}')).toBe(1);
    expect(value('greenml_build_info{version="0.0.0-test"}')).toBe(1);
    expect(r.text).toMatch(/^# TYPE greenml_energy_joules_total counter$/m);
    expect(r.text).toMatch(/^# TYPE greenml_runs gauge$/m);
    // No predictions logged: no run id anywhere.
    expect(r.text).not.toMatch(/m-run-|run_id|m-job-/);
  });

  it('exports the latest prediction of running runs only, labelled with their run id', async () => {
    s = await makeServer();
    await s.store.createRun(makeRun('p-run-1', { project: 'alpha', status: 'running' }));
    await s.store.createRun(makeRun('p-run-2', { project: 'alpha', status: 'succeeded' }));
    for (const id of ['p-run-1', 'p-run-2']) {
      await s.store.appendMetrics(id, [
        { key: 'greenml/predicted_energy_kwh', value: 1, step: null, t: 1000 },
        { key: 'greenml/predicted_energy_kwh', value: 2, step: null, t: 2000 },
        { key: 'greenml/predicted_co2e_g', value: 700, step: null, t: 2000 },
      ]);
    }
    const r = await s.call('GET', '/metrics');
    expect(r.text).toMatch(/^greenml_run_predicted_energy_joules\{project="alpha",run_id="p-run-1"\} 7200000$/m);
    expect(r.text).toMatch(/^greenml_run_predicted_emissions_grams\{project="alpha",run_id="p-run-1"\} 700$/m);
    expect(r.text).not.toMatch(/p-run-2/);
  });
});

describe('OpenAPI document', () => {
  it('is generated from the route schemas and describes every route, with resolvable references and declared path parameters', async () => {
    s = await makeServer();
    const doc = (await s.call('GET', '/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const routes = s.app.routes
      .filter((r) => r.method !== 'ALL' && r.path !== '/api/openapi.json' && r.path !== '*')
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([^/]+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(routes.length).toBeGreaterThan(50);
    expect(new Set(documented)).toEqual(new Set(routes));
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method} ${path}`;
        expect(op.summary, where).toEqual(expect.any(String));
        expect(Object.keys(op.responses).some((c) => /^2\d\d$/.test(c)), where).toBe(true);
        const declared = (op.parameters ?? []).filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name);
        expect(declared.sort(), where).toEqual([...names].sort());
      }
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect(doc.components.schemas[ref], ref).toBeDefined();
    expect(doc.components.schemas.RunRecord.properties.energyKwh.type).toBe('number');
    expect(doc.components.schemas.RunRecord.required).toContain('startedAt');
    expect(doc.paths['/api/v1/health'].get.security).toEqual([]);
    const list = doc.paths['/api/v1/runs'].get.parameters.map((p: { name: string }) => p.name);
    expect(list).toEqual(expect.arrayContaining(['project', 'status', 'since', 'until', 'search', 'sort', 'order', 'limit', 'cursor', 'count']));
  });
});
