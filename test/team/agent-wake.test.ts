/**
 * An idle agent sleeps until the next job it may take is due, not a whole poll period: on a clock
 * moved by hand, with a one-minute poll, a job due in a second is taken a second later; a job for
 * labels the agent does not carry does not wake it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localQueue, runAgent, type AgentEvent, type Clock, type ExecuteJob } from '../../src/schedule/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { newJob, until } from './team-helpers.js';

class ManualClock implements Clock {
  private sleepers: { until: number; wake: () => void }[] = [];
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const entry = { until: this.t + ms, wake: resolve };
      this.sleepers.push(entry);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }
  advanceTo(t: number): void {
    this.t = t;
    const due = this.sleepers.filter((s) => s.until <= t);
    this.sleepers = this.sleepers.filter((s) => s.until > t);
    for (const s of due) s.wake();
  }
}

const T0 = Date.parse('2026-04-01T00:00:00Z');
let store: Store;
beforeEach(async () => {
  store = await openStore(join(mkdtempSync(join(tmpdir(), 'greenml-wake-')), 'greenml.db'));
});
afterEach(async () => {
  await store.close();
});

describe('agent wake-up', () => {
  it('sleeps until the next job it may take is due, not a whole poll period', async () => {
    const clock = new ManualClock(T0);
    const queue = localQueue(store);
    await queue.enqueue(newJob('elsewhere', { nowMs: T0, dueAtMs: T0 + 500, labels: { region: 'DE' } }));
    await queue.enqueue(newJob('soon', { nowMs: T0, dueAtMs: T0 + 1000, labels: { region: 'FR' } }));
    const events: AgentEvent[] = [];
    const taken: string[] = [];
    // The job's run is not what this test is about: the executor here records the claim and ends it.
    const execute: ExecuteJob = async (job) => {
      taken.push(`${job.id}@${clock.now() - T0}`);
      await queue.finish(job.id, 'agent', { nowMs: clock.now(), state: 'succeeded' });
      return { jobId: job.id, state: 'succeeded', exitCode: 0, runIds: [], outcome: null };
    };
    const drain = new AbortController();
    const agent = runAgent({ queue, store, execute, clock, agentId: 'agent', labels: { region: 'FR' }, pollMs: 60_000, leaseMs: 60_000, signal: drain.signal, onEvent: (e) => events.push(e) });
    await until('the agent to go idle', () => events.some((e) => e.kind === 'idle'), 5000, 10);
    expect(events.find((e) => e.kind === 'idle')).toEqual({ kind: 'idle', untilMs: T0 + 1020 });
    clock.advanceTo(T0 + 1020);
    await until('the job to be taken', () => taken.length === 1, 5000, 10);
    expect(taken).toEqual(['soon@1020']);
    await until('the agent to go idle again', () => events.filter((e) => e.kind === 'idle').length === 2, 5000, 10);
    // Nothing left that it may take: a whole poll period.
    expect(events.filter((e) => e.kind === 'idle').at(-1)).toEqual({ kind: 'idle', untilMs: T0 + 1020 + 60_000 });
    drain.abort();
    await agent;
  });
});
