/**
 * What every query module shares: the Kysely handle type, engine traits, and small helpers for
 * chunked inserts, affected-row counts and id-or-prefix lookups.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { GreenmlError } from '../core/index.js';
import type { DB } from './schema.js';
import { text } from './validate.js';

export type Db = Kysely<DB> | Transaction<DB>;

export interface Engine {
  kind: 'sqlite' | 'postgres';
  /** SELECT ... FOR UPDATE [SKIP LOCKED] exists (PostgreSQL). SQLite serialises writers instead. */
  rowLocks: boolean;
}

/** Shortest id prefix accepted for lookups, in characters (greenml's choice, like git's short ids: enough to be unique among thousands of runs). */
export const MIN_PREFIX = 6;

/**
 * Rows per INSERT: below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters
 * (sqlite.org/limits.html, SQLITE_MAX_VARIABLE_NUMBER since 3.32; PostgreSQL protocol Int16 count)
 * for tables of up to 13 columns.
 */
export const INSERT_CHUNK = 500;

export function chunks<T>(items: readonly T[], size = INSERT_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Last occurrence wins: a multi-row upsert must not touch the same key twice (PostgreSQL refuses). */
export function lastByKey<T>(items: readonly T[], key: (x: T) => string): T[] {
  const m = new Map<string, T>();
  for (const x of items) {
    const k = key(x);
    m.delete(k);
    m.set(k, x);
  }
  return [...m.values()];
}

export const count = (n: bigint | number | undefined): number => Number(n ?? 0);

export async function ensureProject(db: Db, name: string, nowMs: number): Promise<void> {
  await db
    .insertInto('projects')
    .values({ name, created_at: nowMs })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

/**
 * The row whose id is `idOrPrefix`, else the one whose id starts with it (at least MIN_PREFIX
 * characters). An ambiguous prefix is the caller's to resolve: the error lists the matches.
 */
export async function findByIdOrPrefix<R extends { id: string }>(
  db: Db,
  table: 'runs' | 'jobs',
  idOrPrefix: string,
  what: string,
): Promise<R | null> {
  text(idOrPrefix, `${what} id`, { nonEmpty: true, max: 200 });
  const exact = await db.selectFrom(table).selectAll().where('id', '=', idOrPrefix).executeTakeFirst();
  if (exact) return exact as unknown as R;
  if (idOrPrefix.length < MIN_PREFIX) {
    throw new GreenmlError(
      'INVALID_INPUT',
      `No ${what} has the id "${idOrPrefix}", and a prefix needs at least ${MIN_PREFIX} characters. Give the full id or a longer prefix.`,
      { details: { field: 'id' } },
    );
  }
  const rows = (await db
    .selectFrom(table)
    .selectAll()
    .where(sql<string>`substr(id, 1, ${sql.lit(idOrPrefix.length)})`, '=', idOrPrefix)
    .orderBy('id')
    .limit(11)
    .execute()) as unknown as R[];
  if (rows.length <= 1) return rows[0] ?? null;
  const ids = rows.slice(0, 10).map((r) => r.id);
  throw new GreenmlError(
    'INVALID_INPUT',
    `The prefix "${idOrPrefix}" matches ${rows.length > 10 ? 'more than 10' : rows.length} ${what}s: ${ids.join(', ')}${rows.length > 10 ? ', ...' : ''}. Give more characters of the id.`,
    { details: { field: 'id', matches: ids } },
  );
}

export function notFound(what: string, id: string): GreenmlError {
  return new GreenmlError('NOT_FOUND', `No ${what} with id "${id}". List them to see the ids.`, { details: { id } });
}
