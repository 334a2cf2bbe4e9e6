/**
 * Runs and projects through the app (no port): the ingest lifecycle, pages with filters and
 * sorts, a run with downsampled samples, totals, prefixes and the errors a client sees.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/index.js';
import { T0, makeMetric, makeRun, makeSample, makeSamples } from '../../src/store/fixtures.contract.js';
import { GB_NOW, makeServer, type TestServer } from './harness.js';

let s: TestServer;
afterEach(async () => {
  await s?.close();
});

describe('ingest lifecycle', () => {
  it('creates a run with defaults, appends samples and metrics in batches (retries add nothing), merges params, heartbeats and finishes it', async () => {
    s = await makeServer();
    const created = await s.call('POST', '/api/v1/runs', { body: { project: 'vision', name: 'resnet sweep', command: ['python', 'train.py'], host: 'gpu-01', tags: { lr: '0.1' } } });
    expect(created.status).toBe(201);
    const run = created.body as RunRecord;
    expect(run).toMatchObject({ project: 'vision', status: 'running', startedAt: GB_NOW, heartbeatAt: GB_NOW, energyKwh: 0, costUsd: null, footprint: null, params: {} });
    expect(run.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(await s.store.getRun(run.id)).toEqual(run);

    const samples = makeSamples(50);
    const first = await s.call('POST', `/api/v1/runs/${run.id}/samples`, { body: { samples: samples.slice(0, 30) } });
    expect(first).toMatchObject({ status: 200, body: { added: 30 } });
    // A retried batch overlapping the first: only the new samples count.
    expect((await s.call('POST', `/api/v1/runs/${run.id}/samples`, { body: { samples: samples.slice(20) } })).body).toEqual({ added: 20 });
    expect((await s.call('POST', `/api/v1/runs/${run.id}/samples`, { body: { samples: samples.slice(20) } })).body).toEqual({ added: 0 });
    const metrics = [makeMetric('loss', 1, T0, 2.5), makeMetric('loss', 2, T0 + 10, 1.25), makeMetric('accuracy', null, T0 + 20, 0.5)];
    expect((await s.call('POST', `/api/v1/runs/${run.id}/metrics`, { body: { metrics } })).body).toEqual({ added: 3 });
    expect((await s.call('POST', `/api/v1/runs/${run.id}/metrics`, { body: { metrics } })).body).toEqual({ added: 0 });
    expect((await s.call('PATCH', `/api/v1/runs/${run.id}/params`, { body: { params: { lr: 0.1, epochs: 3 } } })).body).toEqual({ params: { lr: 0.1, epochs: 3 } });
    expect((await s.call('PATCH', `/api/v1/runs/${run.id}/params`, { body: { params: { epochs: 5, fp16: true } } })).body).toEqual({ params: { lr: 0.1, epochs: 5, fp16: true } });

    const beat = await s.call('PATCH', `/api/v1/runs/${run.id}`, { body: { heartbeatAt: GB_NOW + 5000, durationS: 5, cpuKwh: 0.002, energyKwh: 0.0022 } });
    expect(beat.status).toBe(200);
    expect(beat.body).toMatchObject({ heartbeatAt: GB_NOW + 5000, durationS: 5, status: 'running' });

    const done = await s.call('POST', `/api/v1/runs/${run.id}/finish`, { body: { status: 'succeeded', exitCode: 0, totalG: 1.5, operationalG: 1.2, embodiedG: 0.3, costUsd: 0.02 } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'succeeded', exitCode: 0, endedAt: GB_NOW, heartbeatAt: GB_NOW, totalG: 1.5, costUsd: 0.02, cpuKwh: 0.002 });

    const detail = await s.call('GET', `/api/v1/runs/${run.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.run).toEqual(done.body);
    expect(detail.body.samples).toEqual(await s.store.listSamples(run.id));
    expect(detail.body.samples).toHaveLength(50);
    expect(detail.body.metrics.map((m: { key: string }) => m.key)).toEqual(['accuracy', 'loss', 'loss']);
    const loss = await s.call('GET', `/api/v1/runs/${run.id}/metrics?key=loss`);
    expect(loss.body.metrics.map((m: { step: number }) => m.step)).toEqual([1, 2]);
    const bundle = await s.call('GET', `/api/v1/runs/${run.id.slice(0, 8)}/bundle`);
    expect(bundle.body).toEqual(await s.store.exportRunBundle(run.id));
  });

  it('refuses a run id that exists, a running status on finish and an unknown run, storing nothing', async () => {
    s = await makeServer();
    await s.store.createRun(makeRun('dup-run-01'));
    const dup = await s.call('POST', '/api/v1/runs', { body: { id: 'dup-run-01' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'CONFLICT' });
    const running = await s.call('POST', '/api/v1/runs/dup-run-01/finish', { body: { status: 'running' } });
    expect(running.status).toBe(400);
    expect(running.body.error.details.field).toBe('status');
    for (const [method, path, body] of [
      ['POST', '/api/v1/runs/no-such-run/samples', { samples: [makeSample(T0)] }],
      ['POST', '/api/v1/runs/no-such-run/metrics', { metrics: [makeMetric('loss', 1, T0, 1)] }],
      ['PATCH', '/api/v1/runs/no-such-run', { totalG: 1 }],
      ['POST', '/api/v1/runs/no-such-run/finish', { status: 'failed' }],
      ['GET', '/api/v1/runs/no-such-run', undefined],
      ['DELETE', '/api/v1/runs/no-such-run', undefined],
    ] as const) {
      const r = await s.call(method, path, body === undefined ? {} : { body });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.error.code).toBe('NOT_FOUND');
    }
    expect(await s.store.countRuns()).toBe(1);
    expect(await s.store.listSamples('dup-run-01')).toEqual([]);
  });
});

describe('listing runs', () => {
  async function seed(n: number): Promise<RunRecord[]> {
    const runs = Array.from({ length: n }, (_, i) =>
      makeRun(`list-${String(i).padStart(4, '0')}`, {
        project: i % 3 === 0 ? 'nlp' : 'vision',
        status: i % 4 === 0 ? 'failed' : i % 5 === 0 ? 'running' : 'succeeded',
        startedAt: T0 + Math.floor(i / 2) * 1000, // pairs share a start: ties are broken by id
        energyKwh: (i * 37) % 11,
        name: i === 7 ? 'BERT fine-tune' : `run ${i}`,
        costUsd: i % 6 === 0 ? null : i,
      }),
    );
    for (const r of runs) await s.store.createRun(r);
    return runs;
  }

  it('pages with the cursor until the end, completely and without repeats, in each sort', async () => {
    s = await makeServer();
    const runs = await seed(120);
    for (const [sort, order] of [['startedAt', 'desc'], ['energyKwh', 'asc'], ['costUsd', 'desc']] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q: string = `sort=${sort}&order=${order}&limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const r = await s.call('GET', `/api/v1/runs?${q}`);
        expect(r.status).toBe(200);
        expect(r.body.runs.length).toBeLessThanOrEqual(25);
        seen.push(...r.body.runs.map((x: RunRecord) => x.id));
        cursor = r.body.nextCursor;
        pages++;
      } while (cursor !== null);
      expect(pages).toBe(5);
      expect(new Set(seen).size).toBe(runs.length);
      const direct: string[] = [];
      let c: string | null = null;
      do {
        const page = await s.store.listRuns({ sort, order, limit: 25, cursor: c });
        direct.push(...page.runs.map((x) => x.id));
        c = page.nextCursor;
      } while (c !== null);
      expect(seen).toEqual(direct);
    }
  });

  it('filters by project, status (repeated or comma-separated), time and search, and counts the matches', async () => {
    s = await makeServer();
    const runs = await seed(60);
    const ids = async (q: string): Promise<string[]> => (await s.call('GET', `/api/v1/runs?limit=1000&${q}`)).body.runs.map((r: RunRecord) => r.id).sort();
    const expected = (f: (r: RunRecord) => boolean): string[] => runs.filter(f).map((r) => r.id).sort();
    expect(await ids('project=nlp')).toEqual(expected((r) => r.project === 'nlp'));
    expect(await ids('status=failed,running')).toEqual(expected((r) => r.status === 'failed' || r.status === 'running'));
    expect(await ids('status=failed&status=running')).toEqual(expected((r) => r.status === 'failed' || r.status === 'running'));
    expect(await ids(`since=${T0 + 10_000}&until=${T0 + 20_000}`)).toEqual(expected((r) => r.startedAt >= T0 + 10_000 && r.startedAt < T0 + 20_000));
    expect(await ids('search=bert')).toEqual(['list-0007']);
    const counted = await s.call('GET', '/api/v1/runs?project=vision&status=succeeded&limit=2&count=true');
    expect(counted.body.runs).toHaveLength(2);
    expect(counted.body.total).toBe(runs.filter((r) => r.project === 'vision' && r.status === 'succeeded').length);
    const totals = await s.call('GET', '/api/v1/totals?project=nlp');
    expect(totals.body).toEqual(await s.store.runTotals({ project: 'nlp' }));
  });

  it('refuses malformed list parameters, naming the parameter', async () => {
    s = await makeServer();
    for (const [q, field] of [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      ['sort=name', 'sort'],
      ['order=up', 'order'],
      ['status=done', 'status[0]'],
      ['since=yesterday', 'since'],
      ['count=maybe', 'count'],
    ]) {
      const r = await s.call('GET', `/api/v1/runs?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'INVALID_INPUT', details: { field, in: 'query' } });
      expect(r.body.error.message).toContain(field);
    }
    const other = await s.call('GET', '/api/v1/runs?cursor=not-a-cursor');
    expect(other.status).toBe(400);
    expect(other.body.error.message).toMatch(/cursor/);
  });
});

describe('a run with its samples', () => {
  it('downsamples samples to maxPoints (first and last kept), leaves parts out on request, and resolves prefixes', async () => {
    s = await makeServer();
    await s.store.createRun(makeRun('01HZX4AAAA'));
    await s.store.createRun(makeRun('01HZX4AAAB'));
    await s.store.appendSamples('01HZX4AAAA', makeSamples(5000));
    const full = await s.call('GET', '/api/v1/runs/01HZX4AAAA');
    expect(full.body.samples).toHaveLength(1000);
    const few = await s.call('GET', '/api/v1/runs/01HZX4AAAA?maxPoints=10&metrics=false');
    expect(few.body.samples).toHaveLength(10);
    expect(few.body.samples[0]).toEqual((await s.store.listSamples('01HZX4AAAA', { limit: 1 }))[0]);
    expect(few.body.samples[9].t).toBe((await s.store.listSamples('01HZX4AAAA')).at(-1)?.t);
    expect(few.body).not.toHaveProperty('metrics');
    expect((await s.call('GET', '/api/v1/runs/01HZX4AAAA?samples=false')).body).not.toHaveProperty('samples');
    const since = await s.call('GET', `/api/v1/runs/01HZX4AAAA/samples?fromT=${T0 + 4990 * 1000}`);
    expect(since.body.samples.map((x: { t: number }) => x.t)).toEqual((await s.store.listSamples('01HZX4AAAA', { fromT: T0 + 4990 * 1000 })).map((x) => x.t));
    const ambiguous = await s.call('GET', '/api/v1/runs/01HZX4');
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.error.details.matches).toEqual(['01HZX4AAAA', '01HZX4AAAB']);
    expect((await s.call('GET', '/api/v1/runs/01HZX4AAAB?samples=false')).body.run.id).toBe('01HZX4AAAB');
    expect((await s.call('GET', '/api/v1/runs/01HZX4AAAA?maxPoints=10001')).status).toBe(400);
  });
});

describe('projects', () => {
  it('lists projects with totals, shows one with totals by status, creates one, and 404s an unknown one', async () => {
    s = await makeServer();
    await s.store.createRun(makeRun('prj-run-1', { project: 'alpha', energyKwh: 2, totalG: 100, costUsd: 3, status: 'succeeded' }));
    await s.store.createRun(makeRun('prj-run-2', { project: 'alpha', energyKwh: 1, totalG: 50, costUsd: null, status: 'failed' }));
    expect((await s.call('PUT', '/api/v1/projects/empty')).status).toBe(204);
    const list = await s.call('GET', '/api/v1/projects');
    expect(list.body.projects).toEqual(await s.store.listProjects());
    expect(list.body.projects.map((p: { name: string }) => p.name)).toEqual(['alpha', 'empty']);
    const one = await s.call('GET', '/api/v1/projects/alpha');
    expect(one.body.project).toMatchObject({ name: 'alpha', runs: 2, energyKwh: 3, totalG: 150, costUsd: 3 });
    expect(one.body.totals.byStatus).toMatchObject({ succeeded: 1, failed: 1, running: 0 });
    expect((await s.call('GET', '/api/v1/projects/nope')).status).toBe(404);
  });
});
