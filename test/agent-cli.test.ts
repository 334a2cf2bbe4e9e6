/**
 * `greenml agent` end to end with the built CLI: an agent killed (SIGKILL) while it polls and
 * started again runs every pending job exactly once; a job whose window passed while no agent ran
 * starts at once when its deadline allows and is marked missed when not.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { scheduledPlanOf, type ScheduledPlan } from '../src/app/index.js';
import type { JobRecord } from '../src/core/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { CLI, spawnCli } from './helpers/cli.js';
import { until } from './helpers/until.js';

let dir: string;
let db: string;
const env = (): NodeJS.ProcessEnv => ({ ...process.env, NO_COLOR: '1', GREENML_DB: db, XDG_DATA_HOME: dir, GREENML_INTERVAL: '0.2s', TZ: 'UTC' });
const cli = (args: string[]) => spawnCli(args, { env: env(), cwd: dir });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-agent-cli-'));
  db = join(dir, 'greenml.db');
});

async function withStore<T>(fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore(db);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

function startAgent(args: string[]): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, 'agent', ...args], { env: env(), cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => err, exited };
}


const schedule = (extra: string[]): JobRecord => {
  const r = cli(['schedule', '--duration', '1s', '--deadline', '+1h', '--region', 'FR', '--json', ...extra, '--', process.execPath, '-e', '']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { job: JobRecord }).job;
};

describe('greenml agent', () => {
  it('killed while it polls and started again, runs every pending job exactly once', async () => {
    // Due in a minute, so no job falls due while the first agent lives, however slow the machine;
    // they are brought forward before the second agent starts.
    const ids = [schedule(['--not-before', '+60s']), schedule(['--not-before', '+60s']), schedule(['--not-before', '+61s'])].map((j) => j.id);
    const first = startAgent(['--poll', '200ms', '--lease', '2s']);
    await until('the first agent to poll', () => first.stderr().includes('polling every'), 20_000);
    await new Promise((r) => setTimeout(r, 400));
    first.child.kill('SIGKILL');
    await first.exited;
    const untouched = await withStore(async (s) => (await s.listJobs({})).jobs);
    expect(untouched.map((j) => [j.state, j.attempts])).toEqual([
      ['pending', 0],
      ['pending', 0],
      ['pending', 0],
    ]);

    await withStore(async (s) => {
      const shift = Date.now() + 1000 - Math.min(...untouched.map((j) => j.dueAtMs));
      for (const j of untouched) {
        const plan = scheduledPlanOf(j) as ScheduledPlan;
        const windows = plan.windows.map((w) => ({ startMs: w.startMs + shift, endMs: w.endMs + shift }));
        await s.updateJob(j.id, { plan: { ...plan, windows }, spec: { ...j.spec, earliestStartMs: j.spec.earliestStartMs + shift }, dueAtMs: j.dueAtMs + shift }, { expectState: 'pending' });
      }
    });

    const second = startAgent(['--poll', '200ms', '--lease', '2s']);
    await until('every job to end', async () => (await withStore(async (s) => (await s.listJobs({})).jobs)).every((j) => j.state !== 'pending' && j.state !== 'running'), 20_000);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.stderr()).toMatch(/SIGTERM: draining/);

    await withStore(async (s) => {
      const jobs = (await s.listJobs({})).jobs;
      expect(jobs.map((j) => j.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      expect(jobs.map((j) => j.attempts)).toEqual([1, 1, 1]);
      const runs = (await s.listRuns({ limit: 100 })).runs;
      const perJob = new Map<string, number>();
      for (const r of runs) if (r.jobId) perJob.set(r.jobId, (perJob.get(r.jobId) ?? 0) + 1);
      expect(Object.fromEntries(perJob)).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
      for (const j of jobs) expect(j.startedAt).toBeGreaterThanOrEqual(j.dueAtMs);
    });
  });

  it('starts a job whose window passed at once when its deadline allows, and marks it missed when not', async () => {
    const runnable = schedule([]);
    const hopeless = schedule([]);
    const now = Date.now();
    const past = [{ startMs: now - 600_000, endMs: now - 599_000 }];
    await withStore(async (s) => {
      for (const j of [runnable, hopeless]) {
        const plan = { ...(scheduledPlanOf(j) as ScheduledPlan), windows: past };
        const spec = j === hopeless ? { ...j.spec, earliestStartMs: now - 900_000, deadlineMs: now - 60_000 } : { ...j.spec, earliestStartMs: now - 900_000 };
        await s.updateJob(j.id, { plan, spec, dueAtMs: past[0]!.startMs }, { expectState: 'pending' });
      }
    });
    const agent = startAgent(['--once']);
    expect(await agent.exited).toBe(1);
    expect(agent.stderr()).toMatch(new RegExp(`job ${runnable.id} starting late`));
    expect(agent.stderr()).toMatch(new RegExp(`job ${hopeless.id} missed: .*passed while no agent ran`));

    const shown = cli(['jobs', 'show', runnable.id]);
    expect(shown.stdout).toMatch(/succeeded/);
    expect(shown.stdout).toMatch(/Started late at .* before its deadline/);
    const list = cli(['jobs', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${hopeless.id}\\s+missed`));
    expect(list.stdout).toMatch(new RegExp(`${runnable.id}\\s+succeeded`));
    await withStore(async (s) => {
      const runs = (await s.listRuns({})).runs;
      expect(runs.filter((r) => r.jobId === runnable.id)).toHaveLength(1);
      expect(runs.filter((r) => r.jobId === hopeless.id)).toHaveLength(0);
      expect((await s.getJob(hopeless.id))?.error).toMatch(/after its deadline/);
    });
  });
});
