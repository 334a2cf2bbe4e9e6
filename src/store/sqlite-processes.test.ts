/**
 * Several processes on one SQLite file, as several `greenml run` wrappers, an agent and a dashboard
 * would be: every job claimed exactly once, every write landing, no SQLITE_BUSY. The store is
 * compiled to plain JS (TypeScript's transpiler) so real Node children can load it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0, makeJob } from './fixtures.contract.js';
import { openStore } from './open.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const worker = join(here, 'concurrency-worker.mjs');

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return listTs(p);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Transpiles src/core and src/store into a folder inside the repo, so children resolve node_modules. */
function compileForChildren(): string {
  mkdirSync(join(repo, '.tmp'), { recursive: true });
  const out = mkdtempSync(join(repo, '.tmp', 'store-children-'));
  for (const file of [...listTs(join(repo, 'src/core')), ...listTs(join(repo, 'src/store'))]) {
    if (file.endsWith('store.contract.ts') || file.endsWith('harness.contract.ts')) continue;
    const js = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: file,
    }).outputText;
    const target = join(out, relative(repo, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
  }
  return out;
}

interface WorkerResult {
  workerId: string;
  claimed: string[];
  runs: number;
  samples: number;
  reads: number;
  errors: { code: string | null; message: string }[];
}

/** Starts every child, waits until all have loaded, then releases them at once. */
async function runTogether(compiled: string, jobs: { mode: string; db: string; id: string; count?: number }[]): Promise<WorkerResult[]> {
  const children = jobs.map((j) => {
    const child = spawn(process.execPath, [worker, compiled, j.mode, j.db, j.id, String(j.count ?? 0)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const ready = new Promise<void>((res, rej) => {
      const check = (): void => {
        if (out.startsWith('ready\n')) res();
      };
      child.stdout.on('data', check);
      child.on('exit', (code) => rej(new Error(`worker ${j.id} exited ${code} before it was ready: ${err}`)));
    });
    const done = new Promise<WorkerResult>((res, rej) => {
      child.on('exit', (code) => {
        if (code !== 0) return rej(new Error(`worker ${j.id} exited ${code}: ${err}`));
        const line = out.split('\n').filter(Boolean).at(-1) ?? '';
        res(JSON.parse(line) as WorkerResult);
      });
    });
    return { child, ready, done };
  });
  await Promise.all(children.map((c) => c.ready));
  for (const c of children) c.child.stdin.end('go\n');
  return Promise.all(children.map((c) => c.done));
}

describe('SQLite shared by several processes', () => {
  let compiled = '';
  let dir = '';
  beforeAll(() => {
    compiled = compileForChildren();
    dir = mkdtempSync(join(tmpdir(), 'greenml-procs-'));
  });
  afterAll(() => {
    rmSync(compiled, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('never loads pg for SQLite users, and loads it for a postgres:// location', async () => {
    const index = pathToFileURL(join(compiled, 'src/store/index.js')).href;
    const script = `
      import { createRequire } from 'node:module';
      const { openStore } = await import(${JSON.stringify(index)});
      const loaded = (name) => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/' + name + '/'));
      const s = await openStore(':memory:');
      await s.close();
      const afterSqlite = { sqlite: loaded('better-sqlite3'), pg: loaded('pg') };
      await openStore('postgres://127.0.0.1:1/none', { connectTimeoutMs: 500 }).catch(() => undefined);
      console.log(JSON.stringify({ afterSqlite, afterPostgres: { pg: loaded('pg') } }));
    `;
    const out = await new Promise<string>((res, rej) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: compiled });
      let text = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => (code === 0 ? res(text) : rej(new Error(err))));
    });
    expect(JSON.parse(out)).toEqual({ afterSqlite: { sqlite: true, pg: false }, afterPostgres: { pg: true } });
  });

  it('hands every job to exactly one of 4 claiming processes, without busy errors', async () => {
    const db = join(dir, 'claims.db');
    const n = 400;
    const setup = await openStore(db);
    for (let i = 0; i < n; i++) await setup.createJob(makeJob(`job-${String(i).padStart(4, '0')}`, { dueAtMs: T0 + i }));
    await setup.close();

    const results = await runTogether(compiled, [0, 1, 2, 3].map((i) => ({ mode: 'claim', db, id: `agent-${i}` })));
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    const claimed = results.flatMap((r) => r.claimed);
    expect(claimed).toHaveLength(n);
    expect(new Set(claimed).size).toBe(n);
    // more than one process took part (they were released together)
    expect(results.filter((r) => r.claimed.length > 0).length).toBeGreaterThan(1);

    const check = await openStore(db);
    const owners = new Map(results.flatMap((r) => r.claimed.map((id) => [id, r.workerId] as const)));
    let cursor: string | null = null;
    let seen = 0;
    do {
      const page = await check.listJobs({ limit: 1000, cursor });
      for (const job of page.jobs) {
        expect(job.state).toBe('running');
        expect(job.attempts).toBe(1);
        expect(job.agentId).toBe(owners.get(job.id));
        seen++;
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toBe(n);
    await check.close();
  });

  it('takes runs, samples and heartbeats from 4 writing processes and a reader on a fresh file, without busy errors', async () => {
    const db = join(dir, 'fresh', 'writers.db'); // not created yet: the children race to create and migrate it
    const perWorker = 15;
    const results = await runTogether(compiled, [
      ...[0, 1, 2, 3].map((i) => ({ mode: 'write', db, id: `w${i}`, count: perWorker })),
      { mode: 'read', db, id: 'dashboard', count: 150 },
    ]);
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(results.filter((r) => r.workerId !== 'dashboard').map((r) => [r.runs, r.samples])).toEqual(
      [0, 1, 2, 3].map(() => [perWorker, perWorker * 100]),
    );
    expect(results.find((r) => r.workerId === 'dashboard')?.reads).toBe(150);

    const check = await openStore(db);
    expect(await check.countRuns()).toBe(4 * perWorker);
    expect(await check.countRuns({ status: 'succeeded' })).toBe(4 * perWorker);
    const totals = await check.runTotals();
    expect(totals.totalG).toBeCloseTo(3 * 4 * perWorker, 9);
    const one = await check.getRun('w2-run-007');
    expect(one).toMatchObject({ status: 'succeeded', heartbeatAt: T0 + 100_000, durationS: 100, project: 'proj-w2' });
    expect(await check.listSamples('w2-run-007')).toHaveLength(100);
    expect((await check.listProjects()).map((p) => [p.name, p.runs])).toEqual([0, 1, 2, 3].map((i) => [`proj-w${i}`, perWorker]));
    await check.close();
  });
});
