/**
 * Real parts for the server's tests: a temporary SQLite store, intensity from committed fixtures
 * (the ES 2023 Electricity Maps export as a file source with greenml's baseline forecast, and the
 * GB Carbon Intensity API's recorded responses replayed), the app built by createServer, and a
 * small client that speaks its JSON. The server layer may not construct adapters, so the
 * composition lives here, as it does in the CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileSource, gbCarbonIntensitySource, withBaselineForecast, type IntensitySource } from '../../src/intensity/index.js';
import { createServer, generateApiToken, type App, type ServerDeps } from '../../src/server/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { ApiTokenRecord, TokenScope } from '../../src/core/index.js';
import { replay } from '../fixtures/intensity/replay.js';

const fixtures = fileURLToPath(new URL('../fixtures/intensity/', import.meta.url));

/** 2023-03-14T03:30Z: when the recorded GB forecast was issued. */
export const GB_NOW = Date.UTC(2023, 2, 14, 3, 30);

export function fixtureIntensity(clock: () => number): (zone: string) => IntensitySource {
  const gb = gbCarbonIntensitySource({
    fetch: replay([
      { match: /^\/intensity\/[^/]+\/fw48h$/, file: 'gb/national-fw48h-2023-03-14T0330Z.json' },
      { match: /^\/intensity\/2023-03-1[45]T[\d:]+Z\/2023-03-1[45]T[\d:]+Z$/, file: 'gb/national-range-2023-03-14T0330Z-2023-03-15T0330Z.json' },
      { match: /^\/intensity\/2023-03-14T12:[0-2]\dZ$/, file: 'gb/national-2023-03-14T1200Z.json' },
    ]).fetch,
  });
  const es = withBaselineForecast(fileSource([{ path: join(fixtures, 'files/ES_2023-06-01_hourly.csv') }]), { nowMs: clock });
  return (zone) => (/^GB/i.test(zone) ? gb : es);
}

export interface TestServer {
  app: App;
  store: Store;
  dir: string;
  /** Sends a request through the app (no port) and parses a JSON reply. */
  call(method: string, path: string, opts?: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  /** Creates a token in the store and returns its secret. */
  token(scope: TokenScope, project: string | null, name?: string): Promise<string>;
  close(): Promise<void>;
}

export async function makeServer(over: Partial<ServerDeps> & { nowMs?: number } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'greenml-server-'));
  const store = over.store ?? (await openStore(join(dir, 'server.db')));
  const now = over.nowMs ?? GB_NOW;
  const clock = over.clock ?? (() => now);
  const app = createServer({ store, intensity: fixtureIntensity(clock), clock, version: '0.0.0-test', ...over });
  let n = 0;
  return {
    app,
    store,
    dir,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined;
      if (opts.raw !== undefined) body = opts.raw;
      else if (opts.body !== undefined) body = JSON.stringify(opts.body);
      if (body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
      const res = await app.request(path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = null;
      }
      return { status: res.status, body: parsed, text, headers: res.headers };
    },
    async token(scope, project, name) {
      const t = generateApiToken();
      const record: ApiTokenRecord = { id: t.id, name: name ?? `${scope}-${++n}`, project, scope, hash: t.hash, createdAt: now, lastUsedAt: null, revokedAt: null };
      await store.createToken(record);
      return t.token;
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
