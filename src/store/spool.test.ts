/**
 * The spooling store against a server that is not there (a closed port: connections refused),
 * with real SQLite stores for the local spool and as the sync target, so the marks, the claims
 * and the idempotent pushes are exercised on real files.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T0, makeMetric, makeRun, makeSamples } from './fixtures.contract.js';
import { HttpStore } from './http.js';
import { openStore } from './open.js';
import { openRecordingStore, spoolDirOf } from './recording.js';
import { createSpoolingStore, pendingSyncs, syncSpool, type SpoolEvent } from './spool.js';
import type { Store } from './store.js';

async function deadUrl(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

let dir: string;
const open: Store[] = [];
const keep = <T extends Store>(s: T): T => (open.push(s), s);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-spool-'));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('spooling store', () => {
  it('keeps a run the server cannot take in the local store, marked for sync, and tells once', async () => {
    const localDb = join(dir, 'local.db');
    const events: SpoolEvent[] = [];
    const store = keep(await openRecordingStore({ server: await deadUrl(), localDb, timeoutMs: 2000, onSpool: (e) => events.push(e) }));
    const run = makeRun('spool-run-01', { project: 'vision' });
    await store.createRun(run);
    expect(await store.appendSamples(run.id, makeSamples(40))).toBe(40);
    expect(await store.appendMetrics(run.id, [makeMetric('loss', 1, T0, 0.5)])).toBe(1);
    expect(await store.setParams(run.id, { lr: 0.1 })).toEqual({ ...run.params, lr: 0.1 });
    const done = await store.updateRun(run.id, { status: 'succeeded', endedAt: T0 + 40_000, exitCode: 0 });
    expect(done.status).toBe('succeeded');
    expect(await store.getRun(run.id)).toEqual(done);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ runId: run.id, reason: expect.stringMatching(/Cannot reach the greenml server/) });
    expect((store as { spooledRunIds: readonly string[] }).spooledRunIds).toEqual([run.id]);

    const local = keep(await openStore(localDb));
    const bundle = await local.exportRunBundle(run.id);
    expect(bundle.samples).toHaveLength(40);
    expect(bundle.metrics).toHaveLength(1);
    expect(bundle.run).toEqual(done);
    const marks = pendingSyncs(spoolDirOf(localDb));
    expect(marks).toEqual([expect.objectContaining({ format: 'greenml.spool-mark', runId: run.id, server: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) })]);
  });

  it('passes on errors that are not the server being unavailable, spooling nothing', async () => {
    const local = keep(await openStore(join(dir, 'local.db')));
    const store = keep(createSpoolingStore({ remote: new HttpStore({ url: await deadUrl(), timeoutMs: 2000 }), local, spoolDir: join(dir, 'spool') }));
    await expect(store.createRun(makeRun('bad-run-01', { energyKwh: Number.NaN }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await local.countRuns()).toBe(0);
    expect(pendingSyncs(join(dir, 'spool'))).toEqual([]);
    // Jobs, tokens and budgets are the server's: not spooled.
    await expect(store.listJobs()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});

describe('syncSpool', () => {
  async function spoolRuns(n: number): Promise<{ localDb: string; spoolDir: string }> {
    const localDb = join(dir, 'local.db');
    const store = await openRecordingStore({ server: await deadUrl(), localDb, timeoutMs: 2000 });
    for (let i = 0; i < n; i++) {
      const run = makeRun(`sync-run-${i}`, { startedAt: T0 + i });
      await store.createRun(run);
      await store.appendSamples(run.id, makeSamples(10 + i));
      await store.updateRun(run.id, { status: 'succeeded' });
    }
    await store.close();
    return { localDb, spoolDir: spoolDirOf(localDb) };
  }

  it('pushes every marked run as a bundle and clears marks only after the target took them; twice is harmless', async () => {
    const { localDb, spoolDir } = await spoolRuns(3);
    const local = keep(await openStore(localDb));
    const target = keep(await openStore(join(dir, 'server.db')));
    const report = await syncSpool({ local, remote: target, spoolDir });
    expect(report.pushed.map((p) => [p.runId, p.samples, p.status])).toEqual([
      ['sync-run-0', 10, 'succeeded'],
      ['sync-run-1', 11, 'succeeded'],
      ['sync-run-2', 12, 'succeeded'],
    ]);
    expect(report.failed).toEqual([]);
    expect(pendingSyncs(spoolDir)).toEqual([]);
    for (let i = 0; i < 3; i++) expect(await target.exportRunBundle(`sync-run-${i}`)).toEqual(await local.exportRunBundle(`sync-run-${i}`));
    expect((await syncSpool({ local, remote: target, spoolDir })).pushed).toEqual([]);
  });

  it('keeps the marks when the server is still down, and reports why', async () => {
    const { localDb, spoolDir } = await spoolRuns(2);
    const local = keep(await openStore(localDb));
    const report = await syncSpool({ local, remote: new HttpStore({ url: await deadUrl(), timeoutMs: 2000 }), spoolDir });
    expect(report.pushed).toEqual([]);
    expect(report.failed.map((f) => [f.runId, f.code])).toEqual([
      ['sync-run-0', 'STORE_UNAVAILABLE'],
      ['sync-run-1', 'STORE_UNAVAILABLE'],
    ]);
    expect(pendingSyncs(spoolDir).map((m) => m.runId)).toEqual(['sync-run-0', 'sync-run-1']);
    expect(readdirSync(spoolDir).filter((n) => n.includes('syncing'))).toEqual([]);
  });

  it('keeps a mark for a run that is not in this local store, and puts back the claims of a sync that died', async () => {
    const { localDb, spoolDir } = await spoolRuns(1);
    const local = keep(await openStore(join(dir, 'other.db')));
    const target = keep(await openStore(join(dir, 'server.db')));
    const report = await syncSpool({ local, remote: target, spoolDir });
    expect(report.failed[0]).toMatchObject({ runId: 'sync-run-0', code: 'NOT_FOUND', message: expect.stringMatching(/not in .*other\.db/) });
    expect(pendingSyncs(spoolDir)).toHaveLength(1);
    // A sync killed after claiming (pid 2^22 + 1 is above Linux's pid_max default, so never alive).
    const mark = readdirSync(spoolDir).find((n) => n.endsWith('.json')) as string;
    const claim = join(spoolDir, `${mark}.syncing-4194305-deadbeef`);
    writeFileSync(claim, readFileSync(join(spoolDir, mark)));
    rmSync(join(spoolDir, mark));
    expect(pendingSyncs(spoolDir)).toEqual([]);
    const right = keep(await openStore(localDb));
    expect((await syncSpool({ local: right, remote: target, spoolDir })).pushed.map((p) => p.runId)).toEqual(['sync-run-0']);
    expect(existsSync(claim)).toBe(false);
  });

  it('re-marks a run written after a sync claimed it, so the later part is pushed next time', async () => {
    const localDb = join(dir, 'local.db');
    const store = keep(await openRecordingStore({ server: await deadUrl(), localDb, timeoutMs: 2000 }));
    await store.createRun(makeRun('live-run-01'));
    await store.appendSamples('live-run-01', makeSamples(5));
    const local = keep(await openStore(localDb));
    const target = keep(await openStore(join(dir, 'server.db')));
    // The target is slow: while it imports, the recorder writes more.
    let wrote = false;
    const slow: Store = Object.create(target) as Store;
    slow.importRunBundle = async (b) => {
      if (!wrote) {
        wrote = true;
        await store.appendSamples('live-run-01', makeSamples(8));
      }
      return target.importRunBundle(b);
    };
    const spoolDir = spoolDirOf(localDb);
    expect((await syncSpool({ local, remote: slow, spoolDir })).pushed[0]?.samples).toBe(5);
    expect(pendingSyncs(spoolDir).map((m) => m.runId)).toEqual(['live-run-01']);
    expect((await syncSpool({ local, remote: target, spoolDir })).pushed[0]?.samples).toBe(8);
    expect(await target.listSamples('live-run-01')).toHaveLength(8);
    expect(pendingSyncs(spoolDir)).toEqual([]);
  });
});
