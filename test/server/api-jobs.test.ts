/**
 * Jobs over HTTP: scheduling through the scheduler the CLI plugs in (here one built on core's
 * window search over the recorded GB forecast), listing, cancelling, and the agent operations.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { bestWindow, type JobRecord } from '../../src/core/index.js';
import type { ScheduleFn } from '../../src/server/index.js';
import { T0, makeJob } from '../../src/store/fixtures.contract.js';
import { GB_NOW, fixtureIntensity, makeServer, type TestServer } from './harness.js';

let s: TestServer;
afterEach(async () => {
  await s?.close();
});

/** Plans the job in the best window of its first region's forecast and stores it. */
const scheduleOnForecast: ScheduleFn = async (input, { store, nowMs }) => {
  const zone = input.regions[0] as string;
  const forecast = await fixtureIntensity(() => nowMs)(zone).forecast(zone, input.earliestStartMs, input.deadlineMs);
  const plan = bestWindow(forecast?.points ?? [], { durationS: input.durationS, earliestStartMs: input.earliestStartMs, deadlineMs: input.deadlineMs });
  const job: JobRecord = {
    id: `job-${nowMs}`,
    project: input.project,
    name: input.name,
    command: input.command,
    cwd: input.cwd,
    env: input.env,
    spec: { durationS: input.durationS, earliestStartMs: input.earliestStartMs, deadlineMs: input.deadlineMs, regions: input.regions, interruptible: input.interruptible, minChunkS: input.minChunkS ?? 0, maxPauses: input.maxPauses ?? 0 },
    plan: { region: zone, windows: [{ startMs: plan.startMs, endMs: plan.endMs }], expectedG: plan.co2eG, immediateG: plan.baseline.co2eG, savingG: plan.savedCo2eG, forecastSource: forecast?.source ?? '' },
    labels: input.labels,
    state: 'pending',
    dueAtMs: plan.startMs,
    runId: null,
    agentId: null,
    leaseUntilMs: null,
    attempts: 0,
    error: null,
    createdAt: nowMs,
    updatedAt: nowMs,
    startedAt: null,
    endedAt: null,
  };
  await store.createJob(job);
  return job;
};

describe('schedule', () => {
  it('hands validated input with defaults to the scheduler and returns the stored job (201)', async () => {
    s = await makeServer({ schedule: scheduleOnForecast });
    const r = await s.call('POST', '/api/v1/schedule', { body: { command: ['python', 'eval.py'], durationS: 7200, deadlineMs: GB_NOW + 86_400_000, regions: ['GB'], labels: { gpu: 'a100' } } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ project: 'default', state: 'pending', labels: { gpu: 'a100' }, spec: { earliestStartMs: GB_NOW, interruptible: false, maxPauses: 0 } });
    expect(r.body.plan.windows[0].startMs).toBeGreaterThanOrEqual(GB_NOW);
    expect(r.body.plan.expectedG).toBeLessThanOrEqual(r.body.plan.immediateG);
    expect(await s.store.getJob(r.body.id)).toEqual(r.body);
    expect((await s.call('GET', '/api/v1/health')).body.features.schedule).toBe(true);
  });

  it('refuses malformed input before the scheduler, and answers 404 when no scheduler is configured', async () => {
    s = await makeServer();
    const bad = await s.call('POST', '/api/v1/schedule', { body: { command: [], durationS: 60, deadlineMs: GB_NOW, regions: ['GB'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe('command');
    const none = await s.call('POST', '/api/v1/schedule', { body: { command: ['true'], durationS: 60, deadlineMs: GB_NOW + 3_600_000, regions: ['GB'] } });
    expect(none.status).toBe(404);
    expect(none.body.error.message).toMatch(/no scheduler/);
    expect((await s.store.listJobs()).jobs).toEqual([]);
  });
});

describe('jobs', () => {
  it('lists newest first by state and project with pages, gets by prefix, and cancels (409 once finished)', async () => {
    s = await makeServer();
    for (let i = 0; i < 7; i++) await s.store.createJob(makeJob(`job-list-${i}`, { createdAt: T0 + i, project: i % 2 ? 'odd' : 'even', state: i === 6 ? 'succeeded' : 'pending' }));
    const page1 = await s.call('GET', '/api/v1/jobs?limit=4');
    expect(page1.body.jobs.map((j: JobRecord) => j.id)).toEqual(['job-list-6', 'job-list-5', 'job-list-4', 'job-list-3']);
    const page2 = await s.call('GET', `/api/v1/jobs?limit=4&cursor=${encodeURIComponent(page1.body.nextCursor)}`);
    expect(page2.body.jobs.map((j: JobRecord) => j.id)).toEqual(['job-list-2', 'job-list-1', 'job-list-0']);
    expect(page2.body.nextCursor).toBeNull();
    expect((await s.call('GET', '/api/v1/jobs?state=pending&project=odd')).body.jobs).toHaveLength(3);
    expect((await s.call('GET', '/api/v1/jobs/job-list-5')).body.id).toBe('job-list-5');
    const cancelled = await s.call('POST', '/api/v1/jobs/job-list-5/cancel');
    expect(cancelled.body).toMatchObject({ id: 'job-list-5', state: 'cancelled', endedAt: GB_NOW });
    const again = await s.call('POST', '/api/v1/jobs/job-list-5/cancel');
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/cancelled already/);
    expect((await s.call('POST', '/api/v1/jobs/job-list-6/cancel')).status).toBe(409);
    expect((await s.call('GET', '/api/v1/jobs?state=queued')).status).toBe(400);
  });

  it('lets an agent claim a due job, renew its lease, and lose it when the job is cancelled', async () => {
    s = await makeServer();
    await s.store.createJob(makeJob('job-agent-1', { dueAtMs: T0, labels: { gpu: 'a100' } }));
    const none = await s.call('POST', '/api/v1/jobs/claim', { body: { nowMs: T0 + 1, agentId: 'cpu-box', leaseMs: 60_000, labels: { os: 'linux' } } });
    expect(none.body).toEqual({ job: null });
    const got = await s.call('POST', '/api/v1/jobs/claim', { body: { nowMs: T0 + 1, agentId: 'gpu-box', leaseMs: 60_000, labels: { gpu: 'a100' } } });
    expect(got.body.job).toMatchObject({ id: 'job-agent-1', state: 'running', agentId: 'gpu-box', leaseUntilMs: T0 + 60_001, attempts: 1 });
    expect((await s.call('POST', '/api/v1/jobs/job-agent-1/lease', { body: { agentId: 'gpu-box', leaseUntilMs: T0 + 120_000 } })).body).toEqual({ renewed: true });
    expect((await s.call('POST', '/api/v1/jobs/job-agent-1/cancel')).body.state).toBe('cancelled');
    expect((await s.call('POST', '/api/v1/jobs/job-agent-1/lease', { body: { agentId: 'gpu-box', leaseUntilMs: T0 + 180_000 } })).body).toEqual({ renewed: false });
    const cas = await s.call('PATCH', '/api/v1/jobs/job-agent-1', { body: { patch: { state: 'succeeded' }, expectState: 'running' } });
    expect(cas.body).toEqual({ applied: false });
  });
});
