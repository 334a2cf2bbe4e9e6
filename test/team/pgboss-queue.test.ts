/**
 * The pg-boss queue against a real PostgreSQL (a fresh schema for this file; skipped with the
 * reason when the database is unreachable): each job is handed to exactly one of many concurrent
 * claimers, only when due and only to agents carrying its labels; jobs written to the Store by
 * anything else are adopted; lost agents' jobs are failed or retried by policy (the job's own
 * first) and a retried job is dispatched again; handed-back jobs come back at their next window;
 * cancelled jobs are withdrawn; a message that vanished is sent again. Real time: pg-boss judges
 * "due" by the database's clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/core/index.js';
import { openPgBossQueue, queueNameFor, type PgBossQueue } from '../../src/schedule/index.js';
import { makeRun } from '../../src/store/fixtures.contract.js';
import { openStore, type Store } from '../../src/store/index.js';
import { PG_TEST_URL, newJob, probePostgres, query, scratchSchema, until } from './team-helpers.js';

const skip = await probePostgres();
if (skip) console.warn(`[pg-boss queue] skipped: ${skip}`);
const scratch = scratchSchema('pgbq');
let store: Store;
const open: { store: Store; queue: PgBossQueue }[] = [];

/**
 * A queue with its own Store connection, as each agent process has. The schema was migrated by
 * the first open: Kysely's migrator looks at every schema of the database, and another test file
 * dropping one of its own at that moment fails the look (reported to the store's owner).
 */
async function agentQueue(o: Partial<Parameters<typeof openPgBossQueue>[1]> = {}): Promise<PgBossQueue> {
  const s = await openStore(scratch.url, { poolSize: 3, migrate: false });
  const queue = await openPgBossQueue(s, { connectionString: PG_TEST_URL, schema: scratch.bossSchema, sweepEveryMs: 0, ...o });
  open.push({ store: s, queue });
  return queue;
}

beforeAll(async () => {
  if (skip) return;
  store = await openStore(scratch.url, { poolSize: 4 });
});
afterAll(async () => {
  if (skip) return;
  for (const { store: s, queue } of open.splice(0)) {
    await queue.close();
    await s.close();
  }
  await store.close();
  await scratch.drop();
});

let seq = 0;
const id = (tag: string): string => `${tag}-${++seq}-${Date.now().toString(36)}`;
const claim = (q: PgBossQueue, agentId: string, labels: Record<string, string> = {}, leaseMs = 60_000) => q.claim({ nowMs: Date.now(), agentId, leaseMs, labels });

describe.skipIf(skip !== null)('pg-boss queue', () => {
  it('hands each due job to one agent carrying its labels, adopting jobs written to the Store directly', async () => {
    const [plain, fr, frGpu] = [await agentQueue(), await agentQueue(), await agentQueue()];
    // Due in 4 s: the enqueues and the "not due yet" claims below (seven round trips) finish well before, even on a loaded machine.
    const due = Date.now() + 4000;
    const jobs = [
      newJob(id('plain'), { nowMs: Date.now(), dueAtMs: due }),
      newJob(id('fr'), { nowMs: Date.now(), dueAtMs: due, labels: { region: 'FR' } }),
      newJob(id('frgpu'), { nowMs: Date.now(), dueAtMs: due, labels: { region: 'FR', gpu: 'a100' } }),
      newJob(id('de'), { nowMs: Date.now(), dueAtMs: due, labels: { region: 'DE' } }),
    ];
    for (const j of jobs.slice(0, 3)) await plain.enqueue(j);
    await store.createJob(jobs[3] as JobRecord); // as the server's POST /jobs or `greenml schedule --queue store` would
    const agents: { q: PgBossQueue; id: string; labels: Record<string, string> }[] = [
      { q: plain, id: 'agent-plain', labels: {} },
      { q: fr, id: 'agent-fr', labels: { region: 'FR' } },
      { q: frGpu, id: 'agent-fr-gpu', labels: { region: 'FR', gpu: 'a100' } },
    ];
    for (const a of agents) expect(await claim(a.q, a.id, a.labels)).toBeNull(); // not due yet

    const taken: JobRecord[] = [];
    await until('the three jobs these agents may run to be taken', async () => {
      const got = await Promise.all(agents.map((a) => claim(a.q, a.id, a.labels)));
      taken.push(...got.filter((j): j is JobRecord => j !== null));
      return taken.length >= 3;
    });
    await new Promise((r) => setTimeout(r, 300));
    const more = await Promise.all(agents.map((a) => claim(a.q, a.id, a.labels)));
    expect(more).toEqual([null, null, null]);

    const byJob = new Map(taken.map((j) => [j.id, j]));
    expect(taken).toHaveLength(3);
    expect([...byJob.keys()].sort()).toEqual(jobs.slice(0, 3).map((j) => j.id).sort());
    const carried = (agentId: string | null) => agents.find((a) => a.id === agentId)?.labels ?? {};
    for (const j of taken) {
      expect(j).toMatchObject({ state: 'running', attempts: 1 });
      expect(Object.entries(j.labels).every(([k, v]) => (carried(j.agentId) as Record<string, string>)[k] === v)).toBe(true);
      expect(j.startedAt).toBeGreaterThanOrEqual(j.dueAtMs);
    }
    // No agent carries region=DE: its job waits, dispatched, in its own queue.
    expect((await store.getJob(jobs[3]!.id))?.state).toBe('pending');
    const states = await query<{ name: string; state: string; n: string }>(`select name, state, count(*) as n from "${scratch.bossSchema}".job group by name, state`);
    expect(states.find((r) => r.name === queueNameFor({ region: 'DE' }))).toMatchObject({ state: 'created', n: '1' });
    expect(states.filter((r) => r.name !== queueNameFor({ region: 'DE' })).every((r) => r.state === 'completed')).toBe(true);
  });

  it('gives each of 40 jobs to exactly one of four agents claiming at once', async () => {
    const queues = [await agentQueue(), await agentQueue(), await agentQueue(), await agentQueue()];
    const now = Date.now();
    const ids = Array.from({ length: 40 }, (_, i) => id(`many${i}`));
    for (const [i, jid] of ids.entries()) {
      const j = newJob(jid, { nowMs: now, dueAtMs: now - 1000, labels: { pool: 'many' } });
      if (i % 2) await queues[0]!.enqueue(j);
      else await store.createJob(j);
    }
    const claims = await Promise.all(
      queues.map(async (q, k) => {
        const mine: string[] = [];
        for (;;) {
          const j = await claim(q, `claimer-${k}`, { pool: 'many' });
          if (!j) {
            // Another claimer may hold the rest of the queue's messages for a moment: look again before giving up.
            const left = (await store.listJobs({ state: 'pending', limit: 100 })).jobs.filter((x) => x.labels.pool === 'many');
            if (left.length === 0) return mine;
            continue;
          }
          mine.push(j.id);
        }
      }),
    );
    const all = claims.flat();
    expect(all.sort()).toEqual([...ids].sort());
    expect(new Set(all).size).toBe(40);
    expect(claims.filter((c) => c.length > 0).length).toBeGreaterThan(1);
  });

  it('fails a lost agent\'s job by default and retries it when the job or the sweeping agent says so, up to maxAttempts', async () => {
    const failing = await agentQueue();
    const retrying = await agentQueue({ onLost: 'retry', maxAttempts: 2 });
    const other = await agentQueue();
    const now = Date.now();
    const plain = newJob(id('lost-plain'), { nowMs: now, dueAtMs: now - 1000, labels: { lost: 'a' } });
    const own = newJob(id('lost-own'), { nowMs: now, dueAtMs: now - 1000, labels: { lost: 'b' }, spec: { ...plain.spec, onLost: 'retry' } as JobRecord['spec'] });
    const agentWide = newJob(id('lost-agent'), { nowMs: now, dueAtMs: now - 1000, labels: { lost: 'c' } });
    for (const j of [plain, own, agentWide]) await failing.enqueue(j);

    // Two agents die holding a job each; the sweeping agent's default is fail.
    expect((await claim(failing, 'dead-a', { lost: 'a' }, 300))?.id).toBe(plain.id);
    expect((await claim(failing, 'dead-b', { lost: 'b' }, 300))?.id).toBe(own.id);
    const run = makeRun(id('lost-run'), { jobId: plain.id, startedAt: now, heartbeatAt: now + 100 });
    await store.createRun(run);
    expect(await failing.hold(plain.id, 'dead-a', { nowMs: now + 100, leaseUntilMs: Date.now() + 300, state: 'running', runId: run.id })).toBe(true);
    await new Promise((r) => setTimeout(r, 700));
    await failing.sweep(Date.now());
    const failed = (await store.getJob(plain.id)) as JobRecord;
    expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
    expect(failed.error).toMatch(/dead-a stopped renewing its hold.*not restarted/);
    expect(await store.getRun(run.id)).toMatchObject({ status: 'lost', endedAt: run.heartbeatAt });
    expect(await store.getJob(own.id)).toMatchObject({ state: 'pending', agentId: null, attempts: 1 }); // its own policy: retry
    expect(await claim(other, 'live-b', { lost: 'b' })).toMatchObject({ id: own.id, attempts: 2, agentId: 'live-b' });

    // An agent dies holding a job with no policy of its own; the sweeping agent's default is retry.
    expect((await claim(retrying, 'dead-c', { lost: 'c' }, 300))?.id).toBe(agentWide.id);
    await new Promise((r) => setTimeout(r, 500));
    await retrying.sweep(Date.now());
    expect(await store.getJob(agentWide.id)).toMatchObject({ state: 'pending', attempts: 1 });
    expect(await claim(other, 'live-c', { lost: 'c' }, 300)).toMatchObject({ id: agentWide.id, attempts: 2, agentId: 'live-c' });
    // Lost a second time: its two claims (maxAttempts) are spent, so it is failed.
    await new Promise((r) => setTimeout(r, 500));
    await retrying.sweep(Date.now());
    const spent = (await store.getJob(agentWide.id)) as JobRecord;
    expect(spent.state).toBe('failed');
    expect(spent.error).toMatch(/claimed 2 times, the most its on-lost retry policy allows/);
  });

  it('dispatches a handed-back job at its next window and withdraws a cancelled one', async () => {
    const q = await agentQueue();
    const now = Date.now();
    const handed = newJob(id('handed'), { nowMs: now, dueAtMs: now - 1000, labels: { hb: '1' } });
    const cancelled = newJob(id('cancelled'), { nowMs: now, dueAtMs: now + 500, labels: { hb: '1' } });
    await q.enqueue(handed);
    await q.enqueue(cancelled);
    expect((await claim(q, 'first', { hb: '1' }))?.id).toBe(handed.id);
    expect(await q.requeue(handed.id, 'first', { nowMs: Date.now(), dueAtMs: Date.now() + 3000, runId: null })).toBe(true);
    expect((await q.cancel(cancelled.id, Date.now())).previous).toBe('pending');
    expect(await claim(q, 'second', { hb: '1' })).toBeNull();
    let next: JobRecord | null = null;
    await until('the handed-back job to come back', async () => (next = await claim(q, 'second', { hb: '1' })) !== null, 8000);
    expect(next).toMatchObject({ id: handed.id, agentId: 'second', attempts: 2, state: 'running' });
    expect((next as unknown as JobRecord).startedAt).toBeLessThan(Date.now());
    expect(await store.getJob(cancelled.id)).toMatchObject({ state: 'cancelled', attempts: 0 });
    const rows = await query<{ state: string }>(`select state from "${scratch.bossSchema}".job where data->>'jobId' = '${cancelled.id}'`);
    expect(rows.map((r) => r.state)).toEqual(['cancelled']);
  });

  it('sends again a message that vanished, and puts back one fetched before the agent\'s clock says it is due', async () => {
    const q = await agentQueue({ resendAfterMs: 200 });
    const now = Date.now();
    const vanished = newJob(id('vanished'), { nowMs: now, dueAtMs: now - 1000, labels: { v: '1' } });
    await q.enqueue(vanished);
    await query(`delete from "${scratch.bossSchema}".job where data->>'jobId' = '${vanished.id}'`);
    expect(await claim(q, 'x', { v: '1' })).toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    await q.sweep(Date.now());
    expect((await claim(q, 'x', { v: '1' }))?.id).toBe(vanished.id);

    const early = newJob(id('early'), { nowMs: now, dueAtMs: Date.now() - 100, labels: { e: '1' } });
    await q.enqueue(early);
    // This agent's clock runs 5 s behind the database's: not due yet by its clock.
    expect(await q.claim({ nowMs: Date.now() - 5000, agentId: 'slow-clock', leaseMs: 60_000, labels: { e: '1' } })).toBeNull();
    const [row] = await query<{ state: string }>(`select state from "${scratch.bossSchema}".job where data->>'jobId' = '${early.id}'`);
    expect(row?.state).toBe('retry');
    let got: JobRecord | null = null;
    await until('the message to be offered again', async () => (got = await claim(q, 'right-clock', { e: '1' })) !== null, 5000);
    expect(got).toMatchObject({ id: early.id, attempts: 1 });
  });
});
