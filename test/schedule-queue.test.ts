/** The local job queue over a real SQLite store: who may take which job when, and the tidying after lost agents. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isGreenmlError, type JobRecord } from '../src/core/index.js';
import { localQueue, type JobQueue } from '../src/schedule/index.js';
import { openStore, type Store } from '../src/store/index.js';

const T0 = Date.parse('2026-02-01T12:00:00Z');
let store: Store;
let queue: JobQueue;

beforeEach(async () => {
  store = await openStore(join(mkdtempSync(join(tmpdir(), 'greenml-queue-')), 'greenml.db'));
  queue = localQueue(store);
});
afterEach(async () => {
  await store.close();
});

function job(id: string, dueAtMs: number, labels: Record<string, string> = {}): JobRecord {
  return {
    id,
    project: 'q',
    name: null,
    command: ['true'],
    cwd: null,
    env: {},
    spec: { durationS: 60, earliestStartMs: T0, deadlineMs: T0 + 86_400_000, regions: ['FR'], interruptible: false, minChunkS: 0, maxPauses: 0 },
    plan: null,
    labels,
    state: 'pending',
    dueAtMs,
    runId: null,
    agentId: null,
    leaseUntilMs: null,
    attempts: 0,
    error: null,
    createdAt: T0,
    updatedAt: T0,
    startedAt: null,
    endedAt: null,
  };
}

const claim = (nowMs: number, agentId = 'a', labels: Record<string, string> = {}, jobId?: string) => queue.claim({ nowMs, agentId, leaseMs: 60_000, labels, ...(jobId ? { jobId } : {}) });

describe('local queue', () => {
  it('hands out due jobs earliest first, once each, to agents carrying their labels', async () => {
    await queue.enqueue(job('late', T0 + 2000));
    await queue.enqueue(job('early', T0 + 1000));
    await queue.enqueue(job('gpu', T0, { gpu: 'a100' }));
    expect(await claim(T0 + 500)).toBeNull(); // an agent without labels does not take the labelled job
    expect((await claim(T0 + 5000))?.id).toBe('early');
    expect((await claim(T0 + 5000))?.id).toBe('late');
    expect(await claim(T0 + 5000)).toBeNull();
    const gpu = await claim(T0 + 5000, 'b', { gpu: 'a100', zone: 'x' });
    expect(gpu).toMatchObject({ id: 'gpu', state: 'running', agentId: 'b', leaseUntilMs: T0 + 65_000, attempts: 1, startedAt: T0 + 5000 });
  });

  it('takes one named job only when it is pending and due (schedule --wait)', async () => {
    await queue.enqueue(job('w', T0 + 1000, { 'greenml.waiter': 'host:1' }));
    await queue.enqueue(job('other', T0));
    expect(await claim(T0 + 500, 'host:1', { 'greenml.waiter': 'host:1' }, 'w')).toBeNull();
    expect((await claim(T0 + 1000, 'host:1', { 'greenml.waiter': 'host:1' }, 'w'))?.id).toBe('w');
    expect(await claim(T0 + 1000, 'host:2', {}, 'w')).toBeNull();
  });

  it('marks a job whose agent stopped renewing its hold failed, without running it again', async () => {
    await queue.enqueue(job('j', T0));
    await claim(T0, 'dead-agent');
    expect(await queue.hold('j', 'dead-agent', { nowMs: T0 + 1000, leaseUntilMs: T0 + 2000, state: 'running' })).toBe(true);
    expect(await claim(T0 + 1500, 'b')).toBeNull();
    expect(await claim(T0 + 2001, 'b')).toBeNull();
    const lost = (await store.getJob('j')) as JobRecord;
    expect(lost.state).toBe('failed');
    expect(lost.error).toMatch(/dead-agent stopped renewing its hold/);
    expect(lost.attempts).toBe(1);
    expect(await queue.hold('j', 'dead-agent', { nowMs: T0 + 3000, leaseUntilMs: T0 + 9000, state: 'running' })).toBe(false);
  });

  it('hands a paused job back to be claimed by any agent when its next window comes', async () => {
    await queue.enqueue(job('p', T0));
    await claim(T0, 'a');
    expect(await queue.requeue('p', 'a', { nowMs: T0 + 100, dueAtMs: T0 + 10_000, runId: 'run-1' })).toBe(true);
    expect(await store.getJob('p')).toMatchObject({ state: 'paused', agentId: null, leaseUntilMs: null, dueAtMs: T0 + 10_000, runId: 'run-1' });
    expect(await claim(T0 + 9000, 'b')).toBeNull();
    expect(await claim(T0 + 10_000, 'b')).toMatchObject({ id: 'p', state: 'running', agentId: 'b', attempts: 2 });
  });

  it('cancels: a pending job at once, a running one left to its agent (hold refused, finish keeps it cancelled), an ended one refused', async () => {
    await queue.enqueue(job('pending', T0 + 60_000));
    expect((await queue.cancel('pending', T0)).previous).toBe('pending');
    expect(await store.getJob('pending')).toMatchObject({ state: 'cancelled', endedAt: T0 });
    expect(await claim(T0 + 120_000)).toBeNull();

    await queue.enqueue(job('running', T0));
    await claim(T0, 'a');
    expect((await queue.cancel('running', T0 + 10)).previous).toBe('running');
    expect(await queue.hold('running', 'a', { nowMs: T0 + 20, leaseUntilMs: T0 + 60_020, state: 'running' })).toBe(false);
    expect(await queue.finish('running', 'a', { nowMs: T0 + 30, state: 'failed', runId: 'run-9' })).toBe('cancelled');
    expect(await store.getJob('running')).toMatchObject({ state: 'cancelled', runId: 'run-9', endedAt: T0 + 30 });

    const err = await queue.cancel('running', T0 + 40).catch((e: unknown) => e);
    expect(isGreenmlError(err) && err.code).toBe('CONFLICT');
    const missing = await queue.cancel('nope-nope', T0).catch((e: unknown) => e);
    expect(isGreenmlError(missing) && missing.code).toBe('NOT_FOUND');
  });
});
