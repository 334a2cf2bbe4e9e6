/**
 * The Store contract, unchanged, through the http adapter against a live server: each store is a
 * fresh SQLite file behind createServer, bound to an ephemeral port on 127.0.0.1 by listen() (the
 * same path `greenml serve` takes), and reached with fetch. Every adapter must pass this suite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer, listen, type Listening } from '../../src/server/index.js';
import { HttpStore, openStore, type Store } from '../../src/store/index.js';
import { describeStore } from '../../src/store/store.contract.js';
import { makeRun, makeSamples } from '../../src/store/fixtures.contract.js';
import { fixtureIntensity } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'greenml-http-store-'));
let n = 0;

/** An http store that also stops its server and closes the database behind it. */
class ServedStore extends HttpStore {
  constructor(
    url: string,
    private readonly server: Listening,
    private readonly backing: Store,
  ) {
    super({ url });
  }
  override async close(): Promise<void> {
    await super.close();
    await this.server.close();
    await this.backing.close();
  }
}

export async function servedStore(limits?: { bodyBytes?: number; samplesPerBatch?: number }): Promise<{ store: ServedStore; backing: Store }> {
  const backing = await openStore(join(dir, `served-${++n}.db`));
  const app = createServer({ store: backing, intensity: fixtureIntensity(Date.now), version: '0.0.0-test', ...(limits ? { limits } : {}) });
  const server = await listen(app, { host: '127.0.0.1', port: 0 });
  return { store: new ServedStore(server.url, server, backing), backing };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStore('http (greenml server on SQLite)', async () => (await servedStore()).store);

describe('http adapter specifics', () => {
  it('sends batches larger than the server takes in parts, all of them stored', async () => {
    const { store, backing } = await servedStore({ bodyBytes: 8 * 1024, samplesPerBatch: 100 });
    try {
      await store.createRun(makeRun('split-run-1'));
      const samples = makeSamples(1000);
      expect(await store.appendSamples('split-run-1', samples)).toBe(1000);
      expect(await backing.listSamples('split-run-1')).toHaveLength(1000);
      // a retried batch adds nothing
      expect(await store.appendSamples('split-run-1', samples)).toBe(0);
      const bundle = await store.exportRunBundle('split-run-1');
      await store.importRunBundle({ ...bundle, run: { ...bundle.run, id: 'split-run-2' } });
      expect(await backing.listSamples('split-run-2')).toHaveLength(1000);
    } finally {
      await store.close();
    }
  });

  it('reports an unreachable server as STORE_UNAVAILABLE, transient', async () => {
    const { store } = await servedStore();
    const url = store.location;
    await store.close();
    const gone = new HttpStore({ url, timeoutMs: 2000 });
    const e = await gone.createRun(makeRun('nowhere-1')).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'STORE_UNAVAILABLE', status: null });
    expect((e as Error).message).toMatch(/Cannot reach the greenml server/);
  });
});
