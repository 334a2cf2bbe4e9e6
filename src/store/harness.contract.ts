/**
 * Factories for the store's tests: SQLite stores in temporary files, and PostgreSQL stores each in
 * a fresh schema of the `test` database (127.0.0.1:5432, trust auth; GREENML_TEST_PG_URL overrides),
 * dropped afterwards. When PostgreSQL is unreachable, `probePostgres` returns the reason to skip.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from './open.js';
import type { Store } from './store.js';

export const PG_TEST_URL = process.env.GREENML_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Null when PostgreSQL answers, else why the PostgreSQL tests are skipped. */
export async function probePostgres(url = PG_TEST_URL): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (e) {
    const err = e as { message?: string; code?: string; errors?: { message?: string }[] };
    const detail = err.message || err.errors?.[0]?.message || err.code || String(e);
    return `PostgreSQL is unreachable at ${url} (${detail})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface Harness {
  make(): Promise<Store>;
  /** Another handle on the database behind `store`. */
  peer(store: Store): Promise<Store>;
  /** The location string that opens the database behind `store` (for child processes). */
  locationOf(store: Store): string;
  cleanup(): Promise<void>;
}

export function sqliteHarness(): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'greenml-store-'));
  const paths = new WeakMap<Store, string>();
  let n = 0;
  return {
    async make() {
      const path = join(dir, `store-${++n}.db`);
      const s = await openStore(path);
      paths.set(s, path);
      return s;
    },
    async peer(store) {
      const s = await openStore(this.locationOf(store));
      paths.set(s, this.locationOf(store));
      return s;
    },
    locationOf(store) {
      const p = paths.get(store);
      if (!p) throw new Error('not a store of this harness');
      return p;
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresHarness(tag: string, url = PG_TEST_URL): Harness {
  const schemas: string[] = [];
  const of = new WeakMap<Store, string>();
  const base = `gm_${tag}_${process.pid}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return {
    async make() {
      const schema = `${base}_${schemas.length}`;
      schemas.push(schema);
      const s = await openStore(url, { schema, poolSize: 6 });
      of.set(s, schema);
      return s;
    },
    async peer(store) {
      const schema = of.get(store);
      if (!schema) throw new Error('not a store of this harness');
      const s = await openStore(url, { schema, poolSize: 6 });
      of.set(s, schema);
      return s;
    },
    locationOf(store) {
      const schema = of.get(store);
      if (!schema) throw new Error('not a store of this harness');
      return `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`;
    },
    async cleanup() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const s of schemas) await client.query(`drop schema if exists "${s}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
