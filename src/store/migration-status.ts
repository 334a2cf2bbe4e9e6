/**
 * Which of greenml's migrations a database has had, read without applying any and without creating
 * anything (`greenml db migrate --status`): the names come from the code (migrations/index.ts), the
 * applied ones and their times from Kysely's bookkeeping table. A name in the table that this
 * greenml does not know means a newer greenml migrated the database.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { GreenmlError } from '../core/index.js';
import { unavailable } from './errors.js';
import { MIGRATIONS } from './migrations/index.js';
import { parseStoreLocation } from './open.js';
import { keepAlive } from './sqlite-keepalive.js';

export interface MigrationState {
  name: string;
  /** When it was applied, epoch ms; null while pending. */
  appliedAt: number | null;
}

export interface MigrationStatus {
  /** The database, password removed. */
  location: string;
  /** False for a SQLite file that does not exist yet (every migration pending). */
  exists: boolean;
  migrations: MigrationState[];
  /** Applied migrations this greenml does not know: upgrade greenml before using this database. */
  unknown: string[];
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

interface Row {
  name: string;
  timestamp: string;
}

function status(location: string, exists: boolean, rows: Row[]): MigrationStatus {
  const applied = new Map(rows.map((r) => [r.name, Date.parse(r.timestamp)]));
  const known = Object.keys(MIGRATIONS).sort();
  return {
    location,
    exists,
    migrations: known.map((name) => ({ name, appliedAt: applied.has(name) ? (applied.get(name) as number) : null })),
    unknown: [...applied.keys()].filter((n) => !known.includes(n)).sort(),
  };
}

export async function migrationStatus(location: string): Promise<MigrationStatus> {
  const where = parseStoreLocation(location);
  if (where.engine === 'sqlite') {
    const memory = where.path === ':memory:' || where.path === '';
    const path = memory ? ':memory:' : resolve(where.path);
    if (memory || !existsSync(path)) return status(path, false, []);
    const { default: Database } = await import('better-sqlite3');
    let db: InstanceType<typeof Database> | null = null;
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
      const kept = keepAlive(db);
      const table = kept.prepare("select name from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
      return status(path, true, table ? (kept.prepare('select name, timestamp from kysely_migration').all() as Row[]) : []);
    } catch (e) {
      throw unavailable(path, e, true);
    } finally {
      db?.close();
    }
  }
  const { redactUrl } = await import('./postgres.js');
  const { default: pg } = await import('pg');
  const url = new URL(where.url);
  const schema = url.searchParams.get('schema') ?? 'public';
  url.searchParams.delete('schema');
  if (!SCHEMA_NAME.test(schema)) {
    throw new GreenmlError('INVALID_INPUT', `The PostgreSQL schema "${schema}" is not a plain lower-case name. Use letters a-z, digits and _ (at most 63).`);
  }
  const shown = redactUrl(where.url);
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ found: string | null }>('select to_regclass($1) as found', [`"${schema}".kysely_migration`]);
    if (!rows[0]?.found) return status(shown, false, []);
    return status(shown, true, (await client.query<Row>(`select name, timestamp from "${schema}".kysely_migration`)).rows);
  } catch (e) {
    throw unavailable(shown, e, true);
  } finally {
    await client.end().catch(() => undefined);
  }
}
