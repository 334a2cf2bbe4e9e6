/**
 * The on-lost policy on the embedded (SQLite) queue, and the executor's side of it, with a real
 * store, real children and the real meter: the local queue fails a lost agent's job by default and
 * retries it by the job's or the sweeping agent's policy, up to maxAttempts; a retry-policy job
 * whose holds cannot be written (the database is unreachable) is stopped within its lease and
 * handed back, while a fail-policy job in the same plight runs on to its end.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measureCommand } from '../../src/app/index.js';
import type { JobRecord } from '../../src/core/index.js';
import * as meter from '../../src/meter/index.js';
import { createExecutor, localQueue, systemClock, type JobQueue, type MeasureJob } from '../../src/schedule/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { executions, loggingWorkload, newJob, parseWorkloadLog } from './team-helpers.js';

const T0 = Date.parse('2026-02-01T12:00:00Z');
let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-lost-'));
  store = await openStore(join(dir, 'greenml.db'));
});
afterEach(async () => {
  await store.close();
});

const retrySpec = (j: JobRecord, onLost: 'retry' | 'fail'): JobRecord['spec'] => ({ ...j.spec, onLost }) as JobRecord['spec'];

describe('local queue on-lost policy', () => {
  it('retries by the agent default and by the job, fails by the job, and gives up after maxAttempts', async () => {
    const retrying = localQueue(store, { onLost: 'retry', maxAttempts: 2 });
    const failing = localQueue(store);
    const base = newJob('agent-default', { nowMs: T0 });
    await retrying.enqueue(base);
    await retrying.enqueue(newJob('job-says-fail', { nowMs: T0, dueAtMs: T0 + 1, spec: retrySpec(base, 'fail') }));
    await failing.enqueue(newJob('job-says-retry', { nowMs: T0, dueAtMs: T0 + 2, spec: retrySpec(base, 'retry') }));
    const claim = (q: JobQueue, nowMs: number, agentId: string) => q.claim({ nowMs, agentId, leaseMs: 60_000, labels: {} });
    expect((await claim(retrying, T0 + 10, 'dead-1'))?.id).toBe('agent-default');
    expect((await claim(retrying, T0 + 10, 'dead-2'))?.id).toBe('job-says-fail');
    expect((await claim(failing, T0 + 10, 'dead-3'))?.id).toBe('job-says-retry');

    // The leases ran out. A retrying agent's claim first tidies: its default retries the first, the job's own policy fails the second.
    const next = await claim(retrying, T0 + 61_000, 'live');
    expect(next).toMatchObject({ id: 'agent-default', state: 'running', agentId: 'live', attempts: 2 });
    expect(await store.getJob('job-says-fail')).toMatchObject({ state: 'failed', attempts: 1 });
    expect(await store.getJob('job-says-retry')).toMatchObject({ state: 'pending', agentId: null, attempts: 1 });
    expect(await claim(failing, T0 + 61_000, 'live-2')).toMatchObject({ id: 'job-says-retry', attempts: 2 });

    // Lost again: the default job has had its two claims.
    expect(await claim(retrying, T0 + 200_000, 'live-3')).toBeNull();
    expect(await store.getJob('agent-default')).toMatchObject({ state: 'failed' });
    expect((await store.getJob('agent-default'))?.error).toMatch(/claimed 2 times, the most its on-lost retry policy allows/);
  });
});

/** The real queue, but every hold after the first fails as if the database had gone away. */
function unreachableAfterFirstHold(q: JobQueue): JobQueue & { holds: number } {
  const wrapped = {
    ...q,
    holds: 0,
    hold: async (...args: Parameters<JobQueue['hold']>) => {
      if (wrapped.holds++ === 0) return q.hold(...args);
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    },
  };
  return wrapped;
}

describe('executor fencing', () => {
  let seq = 0;
  const measure: MeasureJob = (job, segment, events) =>
    measureCommand(
      { command: segment.command, cwd: dir, project: job.project, country: 'FR', intervalS: 0.2, flushEveryS: 0.5, guard: null, jobId: job.id, host: hostname(), pid: process.pid, env: process.env, processGroup: true, forwardSignals: [] },
      { store, meter, now: Date.now, newRunId: () => `fence-run-${++seq}-${Date.now()}`, events },
    );

  async function runUnreachable(policy: 'retry' | 'fail', seconds: number, leaseMs: number) {
    const log = join(dir, `${policy}.log`);
    writeFileSync(log, '');
    const now = Date.now();
    const base = newJob(`fence-${policy}`, { nowMs: now });
    await store.createJob({ ...base, command: loggingWorkload(log, base.id, seconds), spec: retrySpec(base, policy) });
    const queue = unreachableAfterFirstHold(localQueue(store));
    const claimed = (await queue.claim({ nowMs: Date.now(), agentId: 'cut-off', leaseMs, labels: {} })) as JobRecord;
    const warnings: string[] = [];
    const execute = createExecutor({ store, queue, clock: systemClock, agentId: 'cut-off', measure, leaseMs, checkEveryMs: 250, stopGraceMs: 10_000, onEvent: (e) => e.kind === 'warning' && warnings.push(e.message) });
    const started = Date.now();
    const result = await execute(claimed);
    const ran = executions(parseWorkloadLog(readFileSync(log, 'utf8')), Number.POSITIVE_INFINITY).get(base.id) ?? [];
    return { result, ran, started, warnings, events: parseWorkloadLog(readFileSync(log, 'utf8')), job: (await store.getJob(base.id)) as JobRecord };
  }

  it('stops a retry-policy job within its lease when its holds cannot be written, and hands it back', async () => {
    // A 3 s lease: the fence stops the job half-way through it, by when even a loaded machine has
    // started the shell and set its TERM trap.
    const r = await runUnreachable('retry', 8, 3000);
    expect(r.events.map((e) => e.what)).toEqual(['start', 'term']);
    // Its hold was last renewed when it started; the lease ran out 3 s later: stopped before that.
    expect((r.ran[0]?.endMs as number) - (r.ran[0]?.startMs as number)).toBeLessThan(3000);
    expect(r.warnings.some((w) => /could not be renewed .* stopping it before its lease runs out/.test(w))).toBe(true);
    expect(r.result.state).toBe('paused');
    expect(r.job).toMatchObject({ state: 'paused', agentId: null, leaseUntilMs: null });
    expect(r.job.dueAtMs).toBeLessThanOrEqual(Date.now());
  });

  it('lets a fail-policy job run on to its end when its holds cannot be written', async () => {
    const r = await runUnreachable('fail', 1.5, 1000);
    expect(r.events.map((e) => e.what)).toEqual(['start', 'end']);
    expect(r.result.state).toBe('succeeded');
    expect(r.job.state).toBe('succeeded');
  });
});
