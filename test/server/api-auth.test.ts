/**
 * Tokens, scopes and projects, body limits and malformed input: each refusal is a clear 4xx with
 * greenml's error body, and the store is checked after each to hold exactly what it held before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { T0, makeJob, makeRun, makeSample, makeSamples } from '../../src/store/fixtures.contract.js';
import { makeAlert, makeBudget } from '../../src/store/budgets.contract.js';
import { makeServer, type TestServer } from './harness.js';

let s: TestServer;
afterEach(async () => {
  await s?.close();
});

/** Everything a refused request could have written (a token's last use is bookkeeping of the check itself). */
async function snapshot(store: Store): Promise<unknown> {
  const runs = (await store.listRuns({ limit: 1000 })).runs;
  const samples = await Promise.all(runs.map((r) => store.listSamples(r.id)));
  const metrics = await Promise.all(runs.map((r) => store.listMetrics(r.id)));
  return { runs, samples, metrics, projects: await store.listProjects(), jobs: (await store.listJobs({ limit: 1000 })).jobs, tokens: (await store.listTokens()).map(({ lastUsedAt: _used, ...t }) => t) };
}

async function refused(status: number, code: string, req: Promise<{ status: number; body: any }>): Promise<{ message: string; details?: Record<string, unknown> }> {
  const r = await req;
  expect(r.status).toBe(status);
  expect(r.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  return r.body.error;
}

describe('bad input stores nothing', () => {
  it('refuses an oversized body (413), a batch over the count limit (413), malformed JSON (400), a wrong type (400) and a non-JSON body', async () => {
    s = await makeServer({ limits: { bodyBytes: 64 * 1024, samplesPerBatch: 100 } });
    await s.store.createRun(makeRun('guarded-run'));
    const before = await snapshot(s.store);

    const big = { samples: makeSamples(2000) };
    const e413 = await refused(413, 'PAYLOAD_TOO_LARGE', s.call('POST', '/api/v1/runs/guarded-run/samples', { body: big }));
    expect(e413.message).toMatch(/over 65536 bytes/);
    // Chunked bodies (no Content-Length) are counted as they stream.
    const chunked = await s.app.request('/api/v1/runs/guarded-run/samples', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: new Blob([JSON.stringify(big)]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    const many = await refused(413, 'PAYLOAD_TOO_LARGE', s.call('POST', '/api/v1/runs/guarded-run/samples', { body: { samples: makeSamples(101) } }));
    expect(many.message).toMatch(/101 samples in one batch; this server takes at most 100/);
    const malformed = await refused(400, 'INVALID_INPUT', s.call('POST', '/api/v1/runs/guarded-run/samples', { raw: '{"samples": [' }));
    expect(malformed.message).toMatch(/Malformed JSON/);
    const wrong = await refused(400, 'INVALID_INPUT', s.call('POST', '/api/v1/runs/guarded-run/samples', { body: { samples: [makeSample(T0), { ...makeSample(T0 + 1), cpuW: 'hot' }] } }));
    expect(wrong.details).toMatchObject({ field: 'samples[1].cpuW', in: 'body' });
    const extra = await refused(400, 'INVALID_INPUT', s.call('POST', '/api/v1/runs', { body: { id: 'typo-run', energy_kwh: 3 } }));
    expect(extra.message).toMatch(/energy_kwh/);
    await refused(400, 'INVALID_INPUT', s.call('POST', '/api/v1/runs', { raw: 'id=x', headers: { 'content-type': 'text/plain' } }));
    await refused(400, 'INVALID_INPUT', s.call('POST', '/api/v1/runs/guarded-run/samples', {}));
    expect(await snapshot(s.store)).toEqual(before);
  });

  it('answers an unknown route with a JSON 404', async () => {
    s = await makeServer();
    const e = await refused(404, 'NOT_FOUND', s.call('GET', '/api/v1/nothing-here'));
    expect(e.message).toMatch(/openapi\.json/);
  });
});

describe('tokens', () => {
  it('on a non-loopback bind: 401 without a token, with an unknown or malformed one, and with a revoked one', async () => {
    s = await makeServer({ auth: { required: true } });
    const before = await snapshot(s.store);
    const none = await refused(401, 'UNAUTHENTICATED', s.call('POST', '/api/v1/runs', { body: { id: 'anon-run' } }));
    expect(none.message).toMatch(/greenml tokens create/);
    await refused(401, 'UNAUTHENTICATED', s.call('GET', '/api/v1/runs', { token: `gml_${'A'.repeat(43)}` }));
    await refused(401, 'UNAUTHENTICATED', s.call('GET', '/api/v1/runs', { token: 'not-a-token' }));
    await refused(401, 'UNAUTHENTICATED', s.call('GET', '/api/v1/runs', { headers: { authorization: 'Basic dXNlcjpwdw==' } }));
    await refused(401, 'UNAUTHENTICATED', s.call('GET', '/metrics'));
    await refused(401, 'UNAUTHENTICATED', s.call('GET', '/emissions/bylocations?location=GB'));
    expect(await snapshot(s.store)).toEqual(before);
    // Health and the API description stay public.
    expect((await s.call('GET', '/api/v1/health')).body.auth).toEqual({ required: true });
    expect((await s.call('GET', '/api/openapi.json')).status).toBe(200);

    const token = await s.token('admin', null);
    expect((await s.call('GET', '/api/v1/runs', { token })).status).toBe(200);
    const [record] = await s.store.listTokens();
    expect(record?.lastUsedAt).not.toBeNull();
    await s.store.revokeToken(record!.id);
    const revoked = await refused(401, 'UNAUTHENTICATED', s.call('GET', '/api/v1/runs', { token }));
    expect(revoked.message).toMatch(/revoked/);
  });

  it('checks scopes: read < ingest < admin (403 and nothing stored)', async () => {
    s = await makeServer({ auth: { required: true } });
    const read = await s.token('read', null);
    const ingest = await s.token('ingest', null);
    const admin = await s.token('admin', null);
    await s.store.createRun(makeRun('scoped-run'));
    const before = await snapshot(s.store);
    const e = await refused(403, 'FORBIDDEN', s.call('POST', '/api/v1/runs/scoped-run/samples', { token: read, body: { samples: [makeSample(T0)] } }));
    expect(e.message).toMatch(/needs the ingest scope.*has read/);
    await refused(403, 'FORBIDDEN', s.call('POST', '/api/v1/runs', { token: read, body: { id: 'by-reader' } }));
    await refused(403, 'FORBIDDEN', s.call('DELETE', '/api/v1/runs/scoped-run', { token: ingest }));
    await refused(403, 'FORBIDDEN', s.call('GET', '/api/v1/tokens', { token: ingest }));
    expect(await snapshot(s.store)).toEqual(before);
    expect((await s.call('GET', '/api/v1/runs/scoped-run', { token: read })).status).toBe(200);
    expect((await s.call('POST', '/api/v1/runs/scoped-run/samples', { token: ingest, body: { samples: [makeSample(T0)] } })).body).toEqual({ added: 1 });
    expect((await s.call('DELETE', '/api/v1/runs/scoped-run', { token: admin })).body).toEqual({ deleted: true });
    expect(await s.store.getRun('scoped-run')).toBeNull();
  });

  it('keeps a project token inside its project: other projects are 403, listings are narrowed', async () => {
    s = await makeServer({ auth: { required: true } });
    const vision = await s.token('admin', 'vision');
    await s.store.createRun(makeRun('vis-run-01', { project: 'vision', energyKwh: 1 }));
    await s.store.createRun(makeRun('nlp-run-01', { project: 'nlp', energyKwh: 5 }));
    await s.store.createJob(makeJob('nlp-job-01', { project: 'nlp' }));
    const before = await snapshot(s.store);
    await refused(403, 'FORBIDDEN', s.call('GET', '/api/v1/runs/nlp-run-01', { token: vision }));
    await refused(403, 'FORBIDDEN', s.call('GET', '/api/v1/runs/nlp-run-01/samples', { token: vision }));
    await refused(403, 'FORBIDDEN', s.call('GET', '/api/v1/runs/nlp-run-01/bundle', { token: vision }));
    await refused(403, 'FORBIDDEN', s.call('POST', '/api/v1/runs/nlp-run-01/samples', { token: vision, body: { samples: [makeSample(T0)] } }));
    await refused(403, 'FORBIDDEN', s.call('PATCH', '/api/v1/runs/vis-run-01', { token: vision, body: { project: 'nlp' } }));
    await refused(403, 'FORBIDDEN', s.call('DELETE', '/api/v1/runs/nlp-run-01', { token: vision }));
    await refused(403, 'FORBIDDEN', s.call('POST', '/api/v1/runs', { token: vision, body: { project: 'nlp' } }));
    await refused(403, 'FORBIDDEN', s.call('GET', '/api/v1/runs?project=nlp', { token: vision }));
    await refused(403, 'FORBIDDEN', s.call('GET', '/api/v1/jobs/nlp-job-01', { token: vision }));
    await refused(403, 'FORBIDDEN', s.call('POST', '/api/v1/jobs/nlp-job-01/cancel', { token: vision }));
    await refused(403, 'FORBIDDEN', s.call('POST', '/api/v1/jobs/claim', { token: vision, body: { nowMs: T0, agentId: 'a', leaseMs: 1000 } }));
    await refused(403, 'FORBIDDEN', s.call('GET', '/api/v1/tokens', { token: vision }));
    const bundle = await s.store.exportRunBundle('nlp-run-01');
    await refused(403, 'FORBIDDEN', s.call('POST', '/api/v1/bundles', { token: vision, body: bundle }));
    await refused(403, 'FORBIDDEN', s.call('POST', '/api/v1/bundles', { token: vision, body: { ...bundle, run: { ...bundle.run, project: 'vision' } } }));
    expect(await snapshot(s.store)).toEqual(before);

    expect((await s.call('GET', '/api/v1/runs', { token: vision })).body.runs.map((r: { id: string }) => r.id)).toEqual(['vis-run-01']);
    expect((await s.call('GET', '/api/v1/projects', { token: vision })).body.projects.map((p: { name: string }) => p.name)).toEqual(['vision']);
    expect((await s.call('GET', '/api/v1/totals', { token: vision })).body.energyKwh).toBe(1);
    expect((await s.call('GET', '/api/v1/jobs', { token: vision })).body.jobs).toEqual([]);
    const created = await s.call('POST', '/api/v1/runs', { token: vision, body: {} });
    expect(created.body.project).toBe('vision');
    const metrics = (await s.call('GET', '/metrics', { token: vision })).text;
    expect(metrics).toContain('project="vision"');
    expect(metrics).not.toContain('project="nlp"');
  });

  it('keeps a project token to its budgets: global budgets and alert delivery need a token for all projects', async () => {
    s = await makeServer({ auth: { required: true } });
    const vision = await s.token('admin', 'vision');
    const own = makeBudget('bud-vision', { name: 'vision carbon', scope: { project: 'vision' } });
    const global = makeBudget('bud-all', { name: 'all cost', scope: { project: null } });
    await s.store.putBudget(own);
    await s.store.putBudget(global);
    await s.store.appendAlert(makeAlert('alert-v', own));
    expect((await s.call('GET', '/api/v1/budgets', { token: vision })).body.budgets.map((b: { id: string }) => b.id)).toEqual(['bud-vision']);
    expect((await s.call('GET', '/api/v1/budgets/vision%20carbon', { token: vision })).body.id).toBe('bud-vision');
    await refused(403, 'FORBIDDEN', s.call('GET', '/api/v1/budgets/bud-all', { token: vision }));
    await refused(403, 'FORBIDDEN', s.call('PUT', '/api/v1/budgets/bud-x', { token: vision, body: makeBudget('bud-x', { name: 'x', scope: { project: 'nlp' } }) }));
    await refused(403, 'FORBIDDEN', s.call('DELETE', '/api/v1/budgets/bud-all', { token: vision }));
    await refused(403, 'FORBIDDEN', s.call('GET', '/api/v1/alerts', { token: vision }));
    expect((await s.call('GET', '/api/v1/alerts?budgetId=bud-vision', { token: vision })).body.alerts.map((a: { id: string }) => a.id)).toEqual(['alert-v']);
    await refused(403, 'FORBIDDEN', s.call('POST', '/api/v1/alerts/alert-v/claim', { token: vision, body: { nowMs: T0, claimMs: 1000 } }));
    expect(await s.store.listBudgets()).toEqual([global, own]);
    expect((await s.store.listAlerts())[0]?.deliveryState).toBe('pending');
  });

  it('on loopback without a token allows everything, and still honours a token that is sent', async () => {
    s = await makeServer();
    const read = await s.token('read', null);
    expect((await s.call('POST', '/api/v1/runs', { body: { id: 'loop-run-1' } })).status).toBe(201);
    await refused(403, 'FORBIDDEN', s.call('POST', '/api/v1/runs', { token: read, body: { id: 'loop-run-2' } }));
    expect(await s.store.getRun('loop-run-2')).toBeNull();
  });
});
