/**
 * Agents on "many machines": real `greenml agent --db postgres://...` processes (the built CLI)
 * sharing one PostgreSQL database through the pg-boss queue (skipped with the reason when the
 * database is unreachable). Fifty jobs, three agents: every job runs exactly once, counted both
 * as runs in the Store and as executions in the workloads' own log. An agent killed with SIGKILL
 * mid-job: under --on-lost retry its job is taken over by another agent after its lease runs out,
 * and the workload's own log shows the two executions never overlap (the dead agent's guard
 * stopped the first); under the default (fail) the job is failed and never run again.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord, RunRecord } from '../../src/core/index.js';
import { openPgBossQueue, type PgBossQueue } from '../../src/schedule/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import {
  PG_TEST_URL,
  executions,
  loggingWorkload,
  newJob,
  overlaps,
  parseWorkloadLog,
  probePostgres,
  query,
  reap,
  scratchSchema,
  startCli,
  until,
  type Proc,
} from './team-helpers.js';

const skip = await probePostgres();
if (skip) console.warn(`[team agents] skipped: ${skip}`);
const scratch = scratchSchema('agents');
const dir = mkdtempSync(join(tmpdir(), 'greenml-team-agents-'));
const procs: Proc[] = [];
let store: Store;
let queue: PgBossQueue;

const LEASE = '2s';
const env = (): NodeJS.ProcessEnv => ({ ...process.env, NO_COLOR: '1', XDG_DATA_HOME: dir, GREENML_DB: '', GREENML_ON_LOST: '', GREENML_INTERVAL: '0.2s', TZ: 'UTC' });

function agent(id: string, extra: string[] = [], lease = LEASE): Proc {
  const p = startCli(['agent', '--db', scratch.url, '--poll', '200ms', '--lease', lease, '--id', id, ...extra], env(), dir);
  procs.push(p);
  return p;
}

async function jobs(ids: string[]): Promise<JobRecord[]> {
  return Promise.all(ids.map(async (id) => (await store.getJob(id)) as JobRecord));
}

async function runsOf(jobId: string): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listRuns({ limit: 200, cursor, sort: 'startedAt', order: 'asc' });
    runs.push(...page.runs.filter((r) => r.jobId === jobId));
    cursor = page.nextCursor;
  } while (cursor);
  return runs;
}

beforeAll(async () => {
  if (skip) return;
  store = await openStore(scratch.url, { poolSize: 4 });
  queue = await openPgBossQueue(store, { connectionString: PG_TEST_URL, schema: scratch.bossSchema });
});
afterEach(async () => {
  await reap(procs);
});
afterAll(async () => {
  if (skip) return;
  await queue.close();
  await store.close();
  await scratch.drop();
});

describe.skipIf(skip !== null)('greenml agent on PostgreSQL (pg-boss)', () => {
  it('three agents run fifty jobs, each exactly once', async () => {
    const log = join(dir, 'fifty.log');
    writeFileSync(log, '');
    const now = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const id = `fifty-${String(i).padStart(2, '0')}-${now.toString(36)}`;
      ids.push(id);
      const job = newJob(id, { nowMs: now, dueAtMs: now + 2500 + i * 20, command: loggingWorkload(log, id, 0.1), labels: { pool: 'fifty' } });
      // Half through the queue, half straight into the Store (as the server's POST /jobs does): agents adopt those.
      if (i % 2) await queue.enqueue(job);
      else await store.createJob(job);
    }
    // A long lease: on a loaded machine a stalled agent must not have its job swept as lost (this test is not about that).
    const agents = [0, 1, 2].map((k) => agent(`agent-${k}`, ['--labels', 'pool=fifty'], '10s'));
    await until('all fifty jobs to end', async () => (await jobs(ids)).every((j) => j.state === 'succeeded' || j.state === 'failed'), 50_000, 250);
    for (const a of agents) a.child.kill('SIGTERM');
    for (const a of agents) expect((await a.exited).code, a.stderr()).toBe(0);

    const ended = await jobs(ids);
    expect(ended.map((j) => j.state)).toEqual(ids.map(() => 'succeeded'));
    expect(ended.map((j) => j.attempts)).toEqual(ids.map(() => 1));
    for (const j of ended) expect(j.startedAt).toBeGreaterThanOrEqual(j.dueAtMs);
    const byAgent = new Map<string, number>();
    for (const j of ended) byAgent.set(j.agentId as string, (byAgent.get(j.agentId as string) ?? 0) + 1);
    expect([...byAgent.keys()].every((a) => ['agent-0', 'agent-1', 'agent-2'].includes(a))).toBe(true);
    expect(byAgent.size).toBeGreaterThan(1);

    // Runs in the Store: one per job, each succeeded.
    const runs: RunRecord[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.listRuns({ limit: 200, cursor });
      runs.push(...page.runs.filter((r) => r.jobId !== null && ids.includes(r.jobId)));
      cursor = page.nextCursor;
    } while (cursor);
    const perJob = new Map<string, number>();
    for (const r of runs) perJob.set(r.jobId as string, (perJob.get(r.jobId as string) ?? 0) + 1);
    expect(Object.fromEntries(perJob)).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);

    // Executions in the workloads' own log: one start and one end per job.
    const ran = executions(parseWorkloadLog(readFileSync(log, 'utf8')), Number.POSITIVE_INFINITY);
    expect([...ran.keys()].sort()).toEqual([...ids].sort());
    for (const id of ids) expect(ran.get(id)).toHaveLength(1);

    // pg-boss: every message was decided; none waits or is held.
    const open = await query<{ n: string }>(`select count(*) as n from "${scratch.bossSchema}".job where state < 'completed' and data->>'jobId' like 'fifty-%'`);
    expect(open[0]?.n).toBe('0');
    console.log(`[team agents] fifty jobs by agent: ${JSON.stringify(Object.fromEntries(byAgent))}`);
  }, 120_000);

  it('with --on-lost retry, an agent killed mid-job has its job taken over after its lease, never running twice at once', async () => {
    const log = join(dir, 'retry.log');
    writeFileSync(log, '');
    const now = Date.now();
    const id = `kill-retry-${now.toString(36)}`;
    await queue.enqueue(newJob(id, { nowMs: now, dueAtMs: now + 1500, command: loggingWorkload(log, id, 2), labels: { pool: 'retry' } }));
    const agents = new Map(['agent-r0', 'agent-r1'].map((k) => [k, agent(k, ['--labels', 'pool=retry', '--on-lost', 'retry'])]));
    await until('the job to start', () => parseWorkloadLog(readFileSync(log, 'utf8')).some((e) => e.what === 'start'), 20_000);
    const holder = (await store.getJob(id))?.agentId as string;
    const victim = agents.get(holder) as Proc;
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    await victim.exited;
    await until('the job to be retried and succeed', async () => (await store.getJob(id))?.state === 'succeeded', 25_000, 200);

    const job = (await store.getJob(id)) as JobRecord;
    const survivor = [...agents.keys()].find((k) => k !== holder) as string;
    expect(job).toMatchObject({ state: 'succeeded', attempts: 2, agentId: survivor, error: null });
    const runs = await runsOf(id);
    expect(runs.map((r) => r.status)).toEqual(['lost', 'succeeded']);
    expect(runs[0]?.statusReason).toMatch(new RegExp(`agent ${holder} stopped renewing its hold.*retried`));
    expect(runs[0]?.endedAt as number).toBeLessThanOrEqual(runs[1]?.startedAt as number);

    const ran = executions(parseWorkloadLog(readFileSync(log, 'utf8')), Number.POSITIVE_INFINITY).get(id) ?? [];
    expect(ran).toHaveLength(2);
    const [first, second] = ran as unknown as [{ startMs: number; endMs: number }, { startMs: number; endMs: number }];
    expect(overlaps(first, second)).toBe(false);
    // The dead agent's guard stopped the first execution well before its lease ran out and the retry began.
    expect(first.endMs - killedAt).toBeLessThan(2000);
    expect(parseWorkloadLog(readFileSync(log, 'utf8')).filter((e) => e.what === 'term')).toHaveLength(1);
    const other = agents.get(survivor) as Proc;
    other.child.kill('SIGTERM');
    expect((await other.exited).code).toBe(0);
  });

  it('with the default policy (fail), an agent killed mid-job has its job failed and never run again', async () => {
    const log = join(dir, 'fail.log');
    writeFileSync(log, '');
    const now = Date.now();
    const id = `kill-fail-${now.toString(36)}`;
    await queue.enqueue(newJob(id, { nowMs: now, dueAtMs: now + 1500, command: loggingWorkload(log, id, 1.5), labels: { pool: 'fail' } }));
    const agents = new Map(['agent-f0', 'agent-f1'].map((k) => [k, agent(k, ['--labels', 'pool=fail'])]));
    await until('the job to start', () => parseWorkloadLog(readFileSync(log, 'utf8')).some((e) => e.what === 'start'), 20_000);
    const holder = (await store.getJob(id))?.agentId as string;
    (agents.get(holder) as Proc).child.kill('SIGKILL');
    await until('the job to be failed', async () => (await store.getJob(id))?.state === 'failed', 20_000, 200);
    // Long enough for a wrong retry to have started.
    await new Promise((r) => setTimeout(r, 1500));

    const job = (await store.getJob(id)) as JobRecord;
    expect(job).toMatchObject({ state: 'failed', attempts: 1, agentId: holder });
    expect(job.error).toMatch(new RegExp(`Agent ${holder} stopped renewing its hold .*not restarted`));
    expect((await runsOf(id)).map((r) => r.status)).toEqual(['lost']);
    const starts = parseWorkloadLog(readFileSync(log, 'utf8')).filter((e) => e.what === 'start');
    expect(starts).toHaveLength(1);
    // Not guarded under fail (documented): the orphan runs on to its end; make sure it is gone.
    try {
      process.kill(-(starts[0]?.pid as number), 'SIGKILL');
    } catch {
      // already ended
    }
  });
});
