#!/usr/bin/env node
// Ingest throughput of a real `greenml serve`: N concurrent clients (default 20) each create a run
// and post batches of samples over HTTP, as `greenml run --server` does when it flushes; then every
// run's samples are read back and counted, so a lost or duplicated sample fails the bench.
//
//   npm run build && node bench/ingest.mjs [--clients 20] [--batches 50] [--batch-size 100] [--db path|postgres://...] [--pg postgres://...]
//
// Without --db it measures SQLite (a temporary file) and PostgreSQL (--pg, default GREENML_BENCH_PG_URL
// or the test database on 127.0.0.1) in the same run, one after the other, and prints both; with --db
// only that one. A postgres:// URL without ?schema= works in a fresh schema, dropped at the end;
// an unreachable PostgreSQL is skipped with the reason.
// Prints samples per second, batch latency percentiles (p50, p90, p99, max) and the count check.
// Client and server share this machine's cores: the figures are a floor for a server with its own.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '20' },
    batches: { type: 'string', default: '50' },
    'batch-size': { type: 'string', default: '100' },
    db: { type: 'string' },
    pg: { type: 'string', default: process.env.GREENML_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const clients = Number(args.clients);
const batches = Number(args.batches);
const batchSize = Number(args['batch-size']);
for (const [name, v] of [['--clients', clients], ['--batches', batches], ['--batch-size', batchSize]]) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a whole number >= 1`);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/bin/greenml.js');
const tmp = mkdtempSync(join(tmpdir(), 'greenml-bench-ingest-'));

/** Starts the server and resolves with its URL (the JSON line it prints once bound). */
function startServer(db) {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--db', db, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, url: JSON.parse(out.slice(0, nl)).listening });
    });
    child.on('exit', (code) => reject(new Error(`greenml serve exited ${code}: ${err}`)));
  });
}

/** A sample as the meter writes it: mean powers over one second, cumulative energies, RAPL detail. */
function sample(i, t) {
  return {
    t,
    dtS: 1,
    cpuW: 40 + (i % 7),
    gpuW: 250 + (i % 13),
    memoryW: 3.2,
    cpuJ: 42 * (i + 1),
    gpuJ: 255 * (i + 1),
    memoryJ: 3.2 * (i + 1),
    cpuCores: 1.9,
    memoryBytes: 2_147_483_648,
    gpuUtilPct: 97,
    detail: { rapl: { 'package-0': 21.5, 'package-1': 20.1, dram: 3.2 }, gpus: [{ index: 0, powerW: 255 }] },
  };
}

async function call(url, method, path, body) {
  const res = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

async function client(url, k, latencies, t0) {
  const run = await call(url, 'POST', '/api/v1/runs', { project: 'bench-ingest', name: `client ${k}`, host: `bench-${k}`, startedAt: t0 });
  let added = 0;
  for (let b = 0; b < batches; b++) {
    const samples = Array.from({ length: batchSize }, (_, j) => {
      const i = b * batchSize + j;
      return sample(i, t0 + (i + 1) * 1000);
    });
    const start = performance.now();
    added += (await call(url, 'POST', `/api/v1/runs/${run.id}/samples`, { samples })).added;
    latencies.push(performance.now() - start);
  }
  await call(url, 'POST', `/api/v1/runs/${run.id}/finish`, { status: 'succeeded', exitCode: 0 });
  return { id: run.id, added };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** One store: a server on it, the clients, the read-back. */
async function bench(label, db) {
  const { child, url } = await startServer(db);
  try {
    const latencies = [];
    const t0 = Date.UTC(2026, 0, 1);
    const started = performance.now();
    const runs = await Promise.all(Array.from({ length: clients }, (_, k) => client(url, k, latencies, t0)));
    const seconds = (performance.now() - started) / 1000;
    let stored = 0;
    for (const r of runs) stored += (await call(url, 'GET', `/api/v1/runs/${r.id}/samples`)).samples.length;
    latencies.sort((a, b) => a - b);
    return { label, seconds, latencies, stored, acknowledged: runs.reduce((s, r) => s + r.added, 0) };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

/** A postgres:// URL in a fresh schema unless it names one; the schema to drop afterwards, or null. */
function scratchOf(url) {
  const u = new URL(url);
  if (u.searchParams.has('schema')) return { db: url, schema: null };
  const schema = `greenml_bench_ingest_${process.pid}_${Date.now().toString(36)}`;
  u.searchParams.set('schema', schema);
  return { db: u.toString(), schema };
}

async function reachable(url) {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return null;
  } catch (e) {
    return e.message || e.code || String(e);
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function dropSchema(url, schema) {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop schema if exists "${schema}" cascade`);
  await admin.end();
}

const isPg = (loc) => /^postgres(ql)?:\/\//.test(loc);
const targets = args.db ? [{ label: isPg(args.db) ? 'PostgreSQL' : 'SQLite', db: args.db }] : [{ label: 'SQLite', db: join(tmp, 'ingest.db') }, { label: 'PostgreSQL', db: args.pg }];
const results = [];
try {
  for (const t of targets) {
    if (!isPg(t.db)) {
      results.push({ ...(await bench(t.label, t.db)), where: args.db ? `SQLite ${args.db}` : 'SQLite (temporary file, WAL)' });
      continue;
    }
    const why = await reachable(t.db);
    if (why) {
      console.log(`PostgreSQL at ${new URL(t.db).host} is unreachable (${why}): skipped.`);
      continue;
    }
    const { db, schema } = scratchOf(t.db);
    try {
      const u = new URL(t.db);
      results.push({ ...(await bench(t.label, db)), where: `PostgreSQL ${u.host}${u.pathname}${schema ? ' (scratch schema)' : ''}` });
    } finally {
      if (schema) await dropSchema(t.db, schema);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const sent = clients * batches * batchSize;
const ms = (v) => `${v.toFixed(1)} ms`;
console.log(`greenml serve ingest: ${clients} clients x ${batches} batches x ${batchSize} samples (${sent} samples per store)`);
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}; clients, server and database share them`);
for (const r of results) {
  const l = r.latencies;
  const ok = r.stored === sent && r.acknowledged === sent;
  console.log(`\n${r.where}`);
  console.log(`  samples/s      ${Math.round(sent / r.seconds)} (${r.seconds.toFixed(2)} s; ${Math.round(l.length / r.seconds)} batches/s)`);
  console.log(`  batch latency  p50 ${ms(pct(l, 50))}  p90 ${ms(pct(l, 90))}  p99 ${ms(pct(l, 99))}  max ${ms(l.at(-1))}`);
  console.log(`  count check    sent ${sent}, acknowledged ${r.acknowledged}, read back ${r.stored}: ${ok ? 'nothing lost' : 'MISMATCH'}`);
  if (!ok) process.exitCode = 1;
}
if (results.length === 2) {
  const [a, b] = results;
  console.log(`\nPostgreSQL / SQLite throughput: ${(a.seconds / b.seconds).toFixed(2)}x`);
}
