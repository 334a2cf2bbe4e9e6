/**
 * Shared by the team-scale tests: a fresh PostgreSQL schema per test file in the `test` database
 * (greenml's tables in it, pg-boss's in <schema>_pgboss), dropped afterwards; the built CLI as
 * real processes; jobs as the Store keeps them; waiting on a condition.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import type { JobRecord } from '../../src/core/index.js';
import { PG_TEST_URL, probePostgres } from '../../src/store/harness.contract.js';
import { CLI } from '../helpers/cli.js';

export { PG_TEST_URL, probePostgres };

export interface Scratch {
  schema: string;
  bossSchema: string;
  /** The --db location of the scratch schema. */
  url: string;
  drop(): Promise<void>;
}

export function scratchSchema(tag: string): Scratch {
  const schema = `gm_${tag}_${process.pid}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const bossSchema = `${schema}_pgboss`;
  return {
    schema,
    bossSchema,
    url: `${PG_TEST_URL}${PG_TEST_URL.includes('?') ? '&' : '?'}schema=${schema}`,
    async drop() {
      const client = new pg.Client({ connectionString: PG_TEST_URL });
      await client.connect();
      try {
        for (const s of [schema, bossSchema]) await client.query(`drop schema if exists "${s}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** One query on the test database, for checks on pg-boss's own tables. */
export async function query<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

export function newJob(id: string, o: Partial<JobRecord> & { nowMs: number }): JobRecord {
  const { nowMs, ...rest } = o;
  return {
    id,
    project: 'team',
    name: null,
    command: ['true'],
    cwd: null,
    env: {},
    spec: { durationS: 1, earliestStartMs: nowMs, deadlineMs: nowMs + 3_600_000, regions: ['FR'], interruptible: false, minChunkS: 0, maxPauses: 0 },
    plan: null,
    labels: {},
    state: 'pending',
    dueAtMs: nowMs,
    runId: null,
    agentId: null,
    leaseUntilMs: null,
    attempts: 0,
    error: null,
    createdAt: nowMs,
    updatedAt: nowMs,
    startedAt: null,
    endedAt: null,
    ...rest,
  };
}

export { until } from '../helpers/until.js';

export interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built CLI (`npm run build` first) as a real process. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Proc {
  const child = spawn(process.execPath, [CLI, ...args], { env, ...(cwd ? { cwd } : {}), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Ends what a test started and is still running (SIGKILL), waiting for each to exit. */
export async function reap(procs: Proc[]): Promise<void> {
  await Promise.all(
    procs.splice(0).map(async (p) => {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }),
  );
}

/**
 * A workload that logs its own start and end (and a SIGTERM) with the wall-clock time in ms and
 * its pid, so a test sees when it really ran, not only what greenml recorded.
 */
export function loggingWorkload(log: string, tag: string, seconds: number): string[] {
  const script = `L="$1"; T="$2"; log() { echo "$1 $T $$ $(date +%s%3N)" >> "$L"; }; trap 'log term; exit 143' TERM; log start; sleep ${seconds} & wait $!; log end`;
  return ['sh', '-c', script, 'workload', log, tag];
}

export interface WorkloadEvent {
  what: 'start' | 'end' | 'term';
  tag: string;
  pid: number;
  atMs: number;
}

export function parseWorkloadLog(text: string): WorkloadEvent[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [what, tag, pid, at] = l.trim().split(/\s+/);
      return { what: what as WorkloadEvent['what'], tag: tag as string, pid: Number(pid), atMs: Number(at) };
    });
}

/** [start, end] of each execution of each tag, from the workload's own log (an execution with no end ends at `openEndMs`). */
export function executions(events: WorkloadEvent[], openEndMs: number): Map<string, { pid: number; startMs: number; endMs: number }[]> {
  const out = new Map<string, { pid: number; startMs: number; endMs: number }[]>();
  for (const e of events) {
    if (e.what !== 'start') continue;
    const end = events.find((x) => x.pid === e.pid && x.tag === e.tag && x.what !== 'start' && x.atMs >= e.atMs);
    const list = out.get(e.tag) ?? [];
    list.push({ pid: e.pid, startMs: e.atMs, endMs: end?.atMs ?? openEndMs });
    out.set(e.tag, list);
  }
  return out;
}

export const overlaps = (a: { startMs: number; endMs: number }, b: { startMs: number; endMs: number }): boolean => a.startMs < b.endMs && b.startMs < a.endMs;
