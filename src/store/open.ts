/**
 * Opening a store from a location string: a file path, `sqlite:` / `file:` URL or `:memory:` for
 * SQLite; `postgres://` / `postgresql://` for PostgreSQL (loaded lazily). Any failure to open is
 * one STORE_UNAVAILABLE error that names the place and how to choose another.
 */
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GreenmlError, isGreenmlError } from '../core/index.js';
import { unavailable } from './errors.js';
import type { Store } from './store.js';

export type StoreLocation = { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string };

export interface OpenStoreOptions {
  /** Bring the schema up to date on open. Default true. */
  migrate?: boolean;
  /** SQLite: how long a writer waits for the write lock, ms (default 10,000). */
  busyTimeoutMs?: number;
  /** PostgreSQL: schema for greenml's tables (default: the URL's `schema` parameter, else public). */
  schema?: string;
  /** PostgreSQL: connections in the pool (default 10). */
  poolSize?: number;
  /** PostgreSQL: how long to wait for a connection, ms (default 5000). */
  connectTimeoutMs?: number;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

export function parseStoreLocation(location: string): StoreLocation {
  if (typeof location !== 'string' || location.trim() === '') {
    throw new GreenmlError('INVALID_INPUT', 'The database location is empty. Give a file path or a postgres:// URL with --db or GREENML_DB.', {
      details: { field: 'db' },
    });
  }
  const scheme = SCHEME.exec(location)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return { engine: 'postgres', url: location };
  if (scheme === 'file') {
    return { engine: 'sqlite', path: location.startsWith('file://') ? fileURLToPath(location) : location.slice('file:'.length) };
  }
  if (scheme === 'sqlite') {
    const rest = location.slice('sqlite:'.length);
    return { engine: 'sqlite', path: rest.startsWith('//') ? rest.slice(2) : rest };
  }
  // One letter before ':' is a Windows drive, not a scheme.
  if (scheme !== undefined && scheme.length > 1 && location.slice(scheme.length + 1).startsWith('//')) {
    throw new GreenmlError(
      'INVALID_INPUT',
      `Unsupported database URL "${location.split('?')[0]}": use a file path (or sqlite:/file: URL) for SQLite, or postgres://user@host:5432/db for PostgreSQL.`,
      { details: { field: 'db' } },
    );
  }
  return { engine: 'sqlite', path: location };
}

/** $XDG_DATA_HOME/greenml/greenml.db, or ~/.local/share/greenml/greenml.db (XDG Base Directory spec: relative values are ignored). */
export function defaultDbPath(env: Record<string, string | undefined>, homedir: string): string {
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir, '.local', 'share');
  return join(base, 'greenml', 'greenml.db');
}

export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<Store> {
  const where = parseStoreLocation(location);
  if (where.engine === 'postgres') {
    const { openPostgresStore, redactUrl } = await import('./postgres.js');
    try {
      return await openPostgresStore(where.url, options);
    } catch (e) {
      throw isGreenmlError(e) ? e : unavailable(redactUrl(where.url), e, true);
    }
  }
  const memory = where.path === ':memory:' || where.path === '';
  const path = memory ? ':memory:' : resolve(where.path);
  const { openSqliteStore } = await import('./sqlite.js');
  try {
    if (!memory) mkdirSync(dirname(path), { recursive: true });
    return await openSqliteStore(path, options);
  } catch (e) {
    throw isGreenmlError(e) ? e : unavailable(path, e, true);
  }
}
