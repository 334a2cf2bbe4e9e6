/**
 * The store `greenml run` records to: the local database, or, with a server, the server through
 * the http adapter with the local database as the spool when the server cannot take the run.
 */
import { resolve } from 'node:path';
import { GreenmlError } from '../core/index.js';
import { HttpStore } from './http.js';
import { openStore, parseStoreLocation } from './open.js';
import { createSpoolingStore, spoolDirFor, type SpoolEvent, type SpoolingStore } from './spool.js';
import type { Store } from './store.js';

export interface RecordingStoreOptions {
  /** The greenml server's URL (--server, GREENML_SERVER, config `server`); absent: record locally. */
  server?: string | null;
  /** API token (GREENML_TOKEN, config `token`); optional for a server on a loopback address. */
  token?: string | null;
  /** The local database (--db, GREENML_DB, config, default path): the store, or the spool. */
  localDb: string;
  /** Sync marks; default `<localDb>-spool` beside a SQLite file (required for :memory: or PostgreSQL). */
  spoolDir?: string;
  /** Told when a run starts spooling (print "server unreachable; run kept locally, greenml sync pushes it"). */
  onSpool?: (event: SpoolEvent) => void;
  /** Per request to the server, ms. Default 10,000: a wrapper should not hang long on a dead server. */
  timeoutMs?: number;
}

/** Where the sync marks of a local database live. */
export function spoolDirOf(localDb: string): string {
  const where = parseStoreLocation(localDb);
  if (where.engine === 'sqlite' && where.path !== ':memory:' && where.path !== '') return spoolDirFor(resolve(where.path));
  throw new GreenmlError('INVALID_INPUT', `Cannot keep sync marks beside ${where.engine === 'postgres' ? 'a PostgreSQL database' : 'an in-memory database'}: give a spool folder.`, {
    details: { field: 'spoolDir' },
  });
}

export async function openRecordingStore(opts: RecordingStoreOptions): Promise<Store | SpoolingStore> {
  if (!opts.server) return openStore(opts.localDb);
  const remote = new HttpStore({ url: opts.server, token: opts.token ?? null, timeoutMs: opts.timeoutMs ?? 10_000 });
  return createSpoolingStore({
    remote,
    local: () => openStore(opts.localDb),
    spoolDir: opts.spoolDir ?? spoolDirOf(opts.localDb),
    ...(opts.onSpool ? { onSpool: opts.onSpool } : {}),
  });
}
