/**
 * PostgreSQL through `pg`, for a team's server. Loaded lazily by openStore so SQLite users never
 * load `pg`. int8 (epoch ms, counts) and numeric (sums of int8) are parsed to numbers by this
 * pool's own type parser; pg's global parsers are left alone for other users of `pg` in the process.
 */
import pg from 'pg';
import { Kysely, sql } from 'kysely';
import { GreenmlError } from '../core/index.js';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrate.js';
import { SchemaScopedPostgresDialect } from './pg-dialect.js';
import type { DB } from './schema.js';
import type { Store } from './store.js';

// Type OIDs of int8 and numeric, fixed in PostgreSQL's catalog (src/include/catalog/pg_type.dat; unchanged since 7.x).
const INT8_OID = 20;
const NUMERIC_OID = 1700;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PostgresOptions {
  /** Schema holding greenml's tables (created when missing). Default: `schema` in the URL's query, else public. */
  schema?: string;
  /** Default 10 connections. */
  poolSize?: number;
  /** Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Default true. */
  migrate?: boolean;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
}

function splitSchema(url: string, explicit: string | undefined): { connectionString: string; schema: string } {
  const u = new URL(url);
  const fromUrl = u.searchParams.get('schema');
  u.searchParams.delete('schema');
  const schema = explicit ?? fromUrl ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new GreenmlError('INVALID_INPUT', `The PostgreSQL schema "${schema}" is not a plain lower-case name. Use letters a-z, digits and _ (at most 63).`, {
      details: { field: 'schema' },
    });
  }
  return { connectionString: u.toString(), schema };
}

/** Two processes creating the schema at once may both pass IF NOT EXISTS; the loser's duplicate error is harmless. */
async function createSchema(db: Kysely<DB>, schema: string): Promise<void> {
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code !== '23505' && code !== '42P06') throw e;
  }
}

const toNumber = (v: string): number => Number(v);

export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<Store> {
  const { connectionString, schema } = splitSchema(url, options.schema);
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID || oid === NUMERIC_OID ? toNumber : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString,
    types,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    // Every connection resolves unqualified names in our schema, so one migration set serves any schema.
    options: `-c search_path=${schema}`,
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new SchemaScopedPostgresDialect({ pool }, schema) });
  const location = redactUrl(url);
  const store = new KyselyStore(db, { kind: 'postgres', rowLocks: true }, location, () => migrateToLatest(db, schema));
  try {
    await sql`select 1`.execute(db);
    if (schema !== 'public') await createSchema(db, schema);
    if (options.migrate !== false) await migrateToLatest(db, schema);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}
