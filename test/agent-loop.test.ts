/**
 * The agent loop on a clock moved by hand: nothing is taken before it is due, each job is taken
 * when the clock reaches it, and a drain ends the loop. The jobs are real commands run through the
 * real executor and measurement.
 */
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measureCommand } from '../src/app/index.js';
import type { JobRecord } from '../src/core/index.js';
import * as meter from '../src/meter/index.js';
import { createExecutor, localQueue, runAgent, type AgentEvent, type Clock, type MeasureJob } from '../src/schedule/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { until } from './helpers/until.js';

/** Time moves only when the test says; sleepers wake when it passes their time or their signal aborts. */
class ManualClock implements Clock {
  private sleepers: Array<{ until: number; wake: () => void }> = [];
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const entry = { until: this.t + ms, wake: resolve };
      this.sleepers.push(entry);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== entry);
        resolve();
      });
    });
  }
  advance(ms: number): void {
    this.t += ms;
    const due = this.sleepers.filter((s) => s.until <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.until > this.t);
    for (const s of due) s.wake();
  }
}

const T0 = Date.parse('2026-03-01T00:00:00Z');
let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-agent-'));
  store = await openStore(join(dir, 'greenml.db'));
});
afterEach(async () => {
  await store.close();
});

function job(id: string, dueAtMs: number): JobRecord {
  return {
    id,
    project: 'agent',
    name: null,
    command: [process.execPath, '-e', ''],
    cwd: dir,
    env: {},
    spec: { durationS: 1, earliestStartMs: T0, deadlineMs: T0 + 3_600_000, regions: ['FR'], interruptible: false, minChunkS: 0, maxPauses: 0 },
    plan: null,
    labels: {},
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

const measure: MeasureJob = (j, segment, events) =>
  measureCommand(
    { command: segment.command, cwd: dir, project: j.project, country: 'FR', intervalS: 0.2, flushEveryS: 1, guard: null, jobId: j.id, host: hostname(), pid: process.pid, env: process.env, processGroup: true, forwardSignals: [] },
    { store, meter, now: Date.now, newRunId: () => `run-${j.id}-${Date.now()}`, events },
  );


describe('runAgent', () => {
  it('takes each job when the clock reaches it, one at a time, and stops on a drain', async () => {
    const clock = new ManualClock(T0);
    const queue = localQueue(store);
    await queue.enqueue(job('first', T0 + 1000));
    await queue.enqueue(job('second', T0 + 3000));
    const events: AgentEvent[] = [];
    const idle = (): number => events.filter((e) => e.kind === 'idle').length;
    const drain = new AbortController();
    const agent = runAgent({
      queue,
      store,
      execute: createExecutor({ store, queue, clock, agentId: 'agent-1', measure }),
      clock,
      agentId: 'agent-1',
      labels: {},
      pollMs: 1000,
      leaseMs: 60_000,
      signal: drain.signal,
      onEvent: (e) => events.push(e),
    });

    await until('the first idle poll', () => idle() === 1, 10_000, 10);
    expect(events.some((e) => e.kind === 'claimed')).toBe(false);
    expect((await store.getJob('first'))?.state).toBe('pending');

    clock.advance(1000);
    await until('the first job to run and the agent to poll again', () => idle() === 2, 10_000, 10);
    expect((await store.getJob('first'))?.state).toBe('succeeded');
    expect((await store.getJob('second'))?.state).toBe('pending');

    clock.advance(1000);
    await until('another idle poll', () => idle() === 3, 10_000, 10);
    expect((await store.getJob('second'))?.state).toBe('pending');

    clock.advance(1000);
    await until('the second job', () => idle() === 4, 10_000, 10);
    expect((await store.getJob('second'))?.state).toBe('succeeded');

    drain.abort();
    const summary = await agent;
    expect(summary.results.map((r) => [r.jobId, r.state])).toEqual([
      ['first', 'succeeded'],
      ['second', 'succeeded'],
    ]);
    const runs = (await store.listRuns({})).runs;
    expect(runs.map((r) => r.jobId).sort()).toEqual(['first', 'second']);
    expect(events.filter((e) => e.kind === 'claimed').map((e) => (e as { job: JobRecord }).job.id)).toEqual(['first', 'second']);
  });

  it('with once, runs what is due and returns without waiting for later jobs', async () => {
    const clock = new ManualClock(T0 + 5000);
    const queue = localQueue(store);
    await queue.enqueue(job('due', T0));
    await queue.enqueue(job('later', T0 + 60_000));
    const summary = await runAgent({
      queue,
      store,
      execute: createExecutor({ store, queue, clock, agentId: 'agent-2', measure }),
      clock,
      agentId: 'agent-2',
      labels: {},
      pollMs: 1000,
      leaseMs: 60_000,
      signal: new AbortController().signal,
      once: true,
    });
    expect(summary.results.map((r) => r.jobId)).toEqual(['due']);
    expect((await store.getJob('later'))?.state).toBe('pending');
  });
});
