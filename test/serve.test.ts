/**
 * `greenml serve` end to end: the built CLI as a real process (npm test builds first) on an
 * ephemeral port, reached over HTTP with the http store adapter, stopped with SIGTERM; and the
 * rule that a non-loopback bind needs tokens.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpStore, openStore } from '../src/store/index.js';
import { T0, makeRun, makeSamples } from '../src/store/fixtures.contract.js';
import { CLI, spawnCli } from './helpers/cli.js';

let dir: string;
const children: ChildProcessWithoutNullStreams[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-serve-'));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Served {
  child: ChildProcessWithoutNullStreams;
  firstLine: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `greenml serve ...` and resolves with the first line it prints (or rejects with its stderr if it exits first). */
function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { env: { ...process.env, NO_COLOR: '1', XDG_DATA_HOME: dir, GREENML_DB: '' } });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, firstLine: out.slice(0, nl), stderr: () => err, exited });
    });
    void exited.then(({ code }) => reject(new Error(`greenml serve exited ${code} before listening: ${err}`)));
  });
}

describe('greenml serve', () => {
  it('prints where it listens as a JSON line, serves the Store over HTTP, and shuts down cleanly on SIGTERM', async () => {
    const db = join(dir, 'served.db');
    const s = await serve(['--port', '0', '--db', db, '--json']);
    const info = JSON.parse(s.firstLine) as { listening: string; host: string; port: number; authRequired: boolean; store: string };
    expect(info).toMatchObject({ host: '127.0.0.1', authRequired: false, store: db });
    expect(info.listening).toBe(`http://127.0.0.1:${info.port}`);
    expect(info.port).toBeGreaterThan(0);

    const remote = new HttpStore({ url: info.listening });
    await remote.createRun(makeRun('served-run-1'));
    expect(await remote.appendSamples('served-run-1', makeSamples(120))).toBe(120);
    expect(await remote.updateRun('served-run-1', { status: 'succeeded', endedAt: T0 + 120_000 })).toMatchObject({ status: 'succeeded' });
    expect((await remote.listRuns()).runs.map((r) => r.id)).toEqual(['served-run-1']);
    const metrics = await (await fetch(`${info.listening}/metrics`)).text();
    expect(metrics).toMatch(/^greenml_runs\{status="succeeded"\} 1$/m);

    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(s.stderr()).toMatch(/SIGTERM: finishing requests in flight and closing the store/);
    const after = await openStore(db);
    try {
      expect(await after.listSamples('served-run-1')).toHaveLength(120);
    } finally {
      await after.close();
    }
  });

  it('prints "listening on http://host:port" without --json, and stops on SIGINT', async () => {
    const s = await serve(['--port', '0', '--db', join(dir, 'plain.db')]);
    expect(s.firstLine).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = s.firstLine.slice('listening on '.length);
    expect((await (await fetch(`${url}/api/v1/health`)).json()) as object).toMatchObject({ ok: true, store: 'sqlite' });
    s.child.kill('SIGINT');
    expect((await s.exited).code).toBe(0);
  });

  it('refuses a non-loopback bind until a token exists, then requires tokens on every request', async () => {
    const db = join(dir, 'team.db');
    const refused = spawnCli(['serve', '--host', '0.0.0.0', '--port', '0', '--db', db], { env: { ...process.env, NO_COLOR: '1' } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Binding to 0\.0\.0\.0 .* needs an API token.*greenml tokens create --project <name> --scope ingest/s);
    const created = spawnCli(['tokens', 'create', '--all-projects', '--scope', 'read', '--name', 'ci', '--db', db], { env: { ...process.env, NO_COLOR: '1' } });
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^gml_[A-Za-z0-9_-]{43}$/);

    const s = await serve(['--host', '0.0.0.0', '--port', '0', '--db', db, '--json']);
    const info = JSON.parse(s.firstLine) as { port: number; authRequired: boolean };
    expect(info.authRequired).toBe(true);
    const base = `http://127.0.0.1:${info.port}`;
    const anon = await fetch(`${base}/api/v1/runs`);
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    expect((await fetch(`${base}/api/v1/runs`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const write = await fetch(`${base}/api/v1/runs`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    expect(write.status).toBe(403);
    s.child.kill('SIGTERM');
    expect((await s.exited).code).toBe(0);
  });

  it('refuses a busy port with a clear message', async () => {
    const first = await serve(['--port', '0', '--db', join(dir, 'a.db'), '--json']);
    const { port } = JSON.parse(first.firstLine) as { port: number };
    const second = spawnCli(['serve', '--port', String(port), '--db', join(dir, 'b.db')], { env: { ...process.env, NO_COLOR: '1' } });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`port ${port} is in use`));
    first.child.kill('SIGTERM');
    await first.exited;
  });
});
