/**
 * Recording through a real server that goes away mid-run: what the server took stays there, the
 * rest is kept locally and marked, and `greenml sync` (the CLI, in-process) brings the server the
 * complete run once it is back: every sample and metric point counted on the server's store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, listen, type Listening } from '../../src/server/index.js';
import { openRecordingStore, openStore, pendingSyncs, spoolDirOf, type SpoolingStore, type Store } from '../../src/store/index.js';
import { T0, makeMetric, makeRun, makeSamples } from '../../src/store/fixtures.contract.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { fixtureIntensity } from './harness.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-spool-sync-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function serve(db: string, port = 0, token = false): Promise<{ store: Store; server: Listening; stop: () => Promise<void> }> {
  const store = await openStore(db);
  const app = createServer({ store, intensity: fixtureIntensity(Date.now), version: '0.0.0-test', auth: { required: token } });
  const server = await listen(app, { host: '127.0.0.1', port });
  return {
    store,
    server,
    stop: async () => {
      await server.close();
      await store.close();
    },
  };
}

describe('a run recorded while the server is down', () => {
  it('reaches the server complete after greenml sync', async () => {
    const serverDb = join(dir, 'server.db');
    const localDb = join(dir, 'local.db');
    const first = await serve(serverDb);
    const url = first.server.url;
    const port = first.server.port;
    const rec = (await openRecordingStore({ server: url, localDb, timeoutMs: 3000 })) as SpoolingStore;
    const run = makeRun('outage-run-01', { project: 'vision' });
    const samples = makeSamples(300);
    await rec.createRun(run);
    await rec.appendSamples(run.id, samples.slice(0, 100));
    await rec.appendMetrics(run.id, [makeMetric('loss', 1, T0, 2.0)]);
    expect(await first.store.listSamples(run.id)).toHaveLength(100);

    await first.stop(); // the server goes away mid-run
    await rec.appendSamples(run.id, samples.slice(100));
    await rec.appendMetrics(run.id, [makeMetric('loss', 2, T0 + 1000, 1.0), makeMetric('loss', 3, T0 + 2000, 0.5)]);
    await rec.updateRun(run.id, { status: 'succeeded', exitCode: 0, endedAt: T0 + 300_000, durationS: 300, energyKwh: 0.25, totalG: 80 });
    await rec.close();
    expect(rec.spooledRunIds).toEqual([run.id]);
    expect(pendingSyncs(spoolDirOf(localDb)).map((m) => m.runId)).toEqual([run.id]);

    // Still down: sync keeps the mark and says so, with the exit code of STORE_UNAVAILABLE.
    const down = await runCli(['sync', '--server', url, '--db', localDb, '--json']);
    expect(down.code).toBe(exitCodeFor('STORE_UNAVAILABLE'));
    expect(JSON.parse(down.stdout).failed[0]).toMatchObject({ runId: run.id, code: 'STORE_UNAVAILABLE' });

    const back = await serve(serverDb, port);
    try {
      const synced = await runCli(['sync', '--server', url, '--db', localDb, '--json']);
      expect(synced.code).toBe(0);
      // The local part: what the server had not taken (200 samples, 2 metric points).
      expect(JSON.parse(synced.stdout).pushed).toEqual([{ runId: run.id, status: 'succeeded', samples: 200, metrics: 2 }]);
      const onServer = await back.store.exportRunBundle(run.id);
      expect(onServer.samples).toHaveLength(300);
      expect(onServer.samples.map((s) => s.t)).toEqual(samples.map((s) => s.t));
      expect(onServer.metrics.map((m) => m.step)).toEqual([1, 2, 3]);
      expect(onServer.run).toMatchObject({ status: 'succeeded', exitCode: 0, energyKwh: 0.25, totalG: 80, project: 'vision' });
      expect(pendingSyncs(spoolDirOf(localDb))).toEqual([]);
      const again = await runCli(['sync', '--server', url, '--db', localDb]);
      expect(again.stdout).toMatch(/Nothing to sync/);
      expect((await back.store.exportRunBundle(run.id)).samples).toHaveLength(300);
    } finally {
      await back.stop();
    }
  });

  it('spools on a server error (5xx) too, and a server that needs a token gets the run once sync has one', async () => {
    const serverDb = join(dir, 'server.db');
    const localDb = join(dir, 'local.db');
    const srv = await serve(serverDb, 0, true);
    try {
      const rec = (await openRecordingStore({ server: srv.server.url, localDb, token: null })) as SpoolingStore;
      await rec.createRun(makeRun('token-run-01'));
      await rec.appendSamples('token-run-01', makeSamples(20));
      await rec.close();
      expect(rec.spoolReason).toMatch(/requires an API token/);
      expect(await srv.store.countRuns()).toBe(0);
      const { generateApiToken } = await import('../../src/server/index.js');
      const t = generateApiToken();
      await srv.store.createToken({ id: t.id, name: 'ci', project: null, scope: 'ingest', hash: t.hash, createdAt: T0, lastUsedAt: null, revokedAt: null });
      const synced = await runCli(['sync', '--server', srv.server.url, '--db', localDb, '--json'], { GREENML_TOKEN: t.token });
      expect(synced.code).toBe(0);
      expect(await srv.store.listSamples('token-run-01')).toHaveLength(20);
    } finally {
      await srv.stop();
    }
    // A server whose database has failed answers 5xx: the run is kept locally.
    const broken = await serve(join(dir, 'broken.db'));
    await broken.store.close();
    try {
      const rec = (await openRecordingStore({ server: broken.server.url, localDb })) as SpoolingStore;
      await rec.createRun(makeRun('broken-run-01'));
      await rec.close();
      expect(rec.spooledRunIds).toEqual(['broken-run-01']);
      expect(pendingSyncs(spoolDirOf(localDb)).map((m) => m.runId)).toEqual(['broken-run-01']);
    } finally {
      await broken.server.close();
    }
  });
});
