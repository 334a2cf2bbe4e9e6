#!/usr/bin/env node
// Dispatch latency of scheduled jobs: from a job's planned start (its dueAtMs) to the moment its
// command really starts (the workload stamps its own start), for the embedded queue (a SQLite
// file, agents on --queue store) and the pg-boss queue (PostgreSQL), in the same run.
//
//   npm run build && node bench/dispatch.mjs [--jobs 40] [--agents 2] [--poll 1s] [--spacing-ms 250] [--pg postgres://...]
//
// Jobs are posted to a real `greenml serve` (POST /api/v1/jobs, as any client would), due one
// every --spacing-ms from a few seconds ahead; then --agents real `greenml agent` processes run
// them. Latency includes the agent's poll wait (at most --poll), the claim, greenml's measurement
// set-up and the child's start. PostgreSQL: a scratch schema (and its _pgboss schema), dropped at
// the end; skipped with the reason when unreachable. Agents and database share this machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    jobs: { type: 'string', default: '40' },
    agents: { type: 'string', default: '2' },
    poll: { type: 'string', default: '1s' },
    'spacing-ms': { type: 'string', default: '250' },
    pg: { type: 'string', default: process.env.GREENML_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const jobs = Number(args.jobs);
const agents = Number(args.agents);
const spacingMs = Number(args['spacing-ms']);
for (const [name, v] of [['--jobs', jobs], ['--agents', agents], ['--spacing-ms', spacingMs]]) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a whole number >= 1`);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/bin/greenml.js');
const tmp = mkdtempSync(join(tmpdir(), 'greenml-bench-dispatch-'));
const env = { ...process.env, NO_COLOR: '1', XDG_DATA_HOME: tmp, GREENML_DB: '', GREENML_INTERVAL: '1s' };

function start(argv) {
  const child = spawn(process.execPath, [cli, ...argv], { env, cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => out, err: () => err };
}

async function until(what, check, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function measure(label, db, queue) {
  const log = join(tmp, `${label}.log`);
  writeFileSync(log, '');
  const server = start(['serve', '--db', db, '--port', '0', '--json']);
  await until('the server', () => server.out().includes('\n') || server.child.exitCode !== null, 30_000);
  if (!server.out().includes('\n')) throw new Error(`greenml serve failed: ${server.err()}`);
  const url = JSON.parse(server.out().split('\n')[0]).listening;
  const t0 = Date.now() + 4000;
  const due = new Map();
  for (let i = 0; i < jobs; i++) {
    const id = `${label}-${i}-${Date.now().toString(36)}`;
    const dueAtMs = t0 + i * spacingMs;
    due.set(id, dueAtMs);
    const job = {
      id, project: 'bench-dispatch', name: null, cwd: null, env: {}, plan: null, labels: { bench: label }, state: 'pending', dueAtMs,
      command: ['sh', '-c', `echo "$1 $(date +%s%3N)" >> '${log}'`, 'job', id],
      spec: { durationS: 1, earliestStartMs: dueAtMs, deadlineMs: dueAtMs + 3_600_000, regions: ['FR'], interruptible: false, minChunkS: 0, maxPauses: 0 },
      runId: null, agentId: null, leaseUntilMs: null, attempts: 0, error: null, createdAt: Date.now(), updatedAt: Date.now(), startedAt: null, endedAt: null,
    };
    const res = await fetch(`${url}/api/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(job) });
    if (!res.ok) throw new Error(`POST /api/v1/jobs: HTTP ${res.status} ${await res.text()}`);
  }
  server.child.kill('SIGTERM');
  await server.exited;
  if (Date.now() > t0 - 1500) console.warn(`(${label}: posting took long; the first jobs may be due before the agents are up)`);

  const procs = Array.from({ length: agents }, (_, k) => start(['agent', '--db', db, '--queue', queue, '--poll', args.poll, '--labels', `bench=${label}`, '--id', `${label}-agent-${k}`]));
  const started = () => new Map(readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ')).map(([id, ms]) => [id, Number(ms)]));
  try {
    await until(`${label}: every job to start`, () => started().size >= jobs, (t0 - Date.now()) + jobs * spacingMs + 60_000);
  } finally {
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
  }
  const latencies = [...started()].map(([id, ms]) => ms - due.get(id)).sort((a, b) => a - b);
  const early = latencies.filter((l) => l < 0).length;
  return { label, queue, latencies, early };
}

const results = [];
const sqlitePath = join(tmp, 'dispatch.db');
let scratch = null;
try {
  results.push(await measure('sqlite', sqlitePath, 'store'));
  const { default: pg } = await import('pg');
  const probe = new pg.Client({ connectionString: args.pg, connectionTimeoutMillis: 2000 });
  probe.on('error', () => undefined);
  const reachable = await probe.connect().then(() => true, (e) => (console.log(`PostgreSQL at ${args.pg} is unreachable (${e.message}): pg-boss skipped.`), false));
  await probe.end().catch(() => undefined);
  if (reachable) {
    scratch = `greenml_bench_dispatch_${process.pid}_${Date.now().toString(36)}`;
    const u = new URL(args.pg);
    u.searchParams.set('schema', scratch);
    results.push(await measure('pgboss', u.toString(), 'pgboss'));
  }
} finally {
  if (scratch) {
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: args.pg });
    await admin.connect();
    for (const s of [scratch, `${scratch}_pgboss`]) await admin.query(`drop schema if exists "${s}" cascade`);
    await admin.end();
  }
  rmSync(tmp, { recursive: true, force: true });
}

const ms = (v) => `${Math.round(v)} ms`;
console.log(`dispatch latency, planned start -> child start: ${jobs} jobs ${spacingMs} ms apart, ${agents} agents polling every ${args.poll}`);
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}; agents and database share them`);
for (const r of results) {
  const l = r.latencies;
  console.log(
    `${r.label === 'sqlite' ? 'local queue (SQLite)  ' : 'pg-boss (PostgreSQL)  '} p50 ${ms(pct(l, 50))}  p90 ${ms(pct(l, 90))}  p99 ${ms(pct(l, 99))}  max ${ms(l.at(-1))}  min ${ms(l[0])}` +
      `${r.early > 0 ? `  (${r.early} started before their planned start)` : ''}`,
  );
}
