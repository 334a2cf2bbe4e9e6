/**
 * The embedded engine: SQLite through better-sqlite3, shared by several `greenml run` processes
 * and a dashboard at once. WAL lets readers run beside one writer; every write transaction starts
 * with BEGIN IMMEDIATE, so a writer waits (busy_timeout) for the write lock up front instead of
 * failing with SQLITE_BUSY when it upgrades from a read (sqlite.org/wal.html, section 2.2;
 * sqlite.org/lang_transaction.html).
 */
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type DialectAdapter,
  type SqliteDialectConfig,
} from 'kysely';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrate.js';
import { keepAlive } from './sqlite-keepalive.js';
import type { DB } from './schema.js';
import type { Store } from './store.js';

/**
 * How long a writer waits for another process's write transaction, ms. Transactions here last
 * milliseconds; 10 s covers a slow disk and a checkpoint with a wide margin (greenml's own choice).
 */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** SQLite runs DDL inside transactions; saying so makes Kysely's Migrator hold the write lock while it migrates. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class GreenmlSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

export interface SqliteOptions {
  busyTimeoutMs?: number;
  /** Default true. */
  migrate?: boolean;
}

/** Opens (creating when missing) and migrates a SQLite store. Errors are the engine's own; openStore words them. */
export async function openSqliteStore(path: string, options: SqliteOptions = {}): Promise<Store> {
  const busyTimeoutMs = options.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS;
  const database = new Database(path, { timeout: busyTimeoutMs });
  try {
    // exec, not pragma(): pragma() prepares a statement that would become garbage (sqlite-keepalive.ts).
    database.exec(`pragma busy_timeout = ${Math.round(busyTimeoutMs)}`);
    if (path !== ':memory:') database.exec('pragma journal_mode = WAL');
    database.exec('pragma synchronous = NORMAL');
    database.exec('pragma foreign_keys = ON');
  } catch (e) {
    database.close();
    throw e;
  }
  const db = new Kysely<DB>({ dialect: new GreenmlSqliteDialect({ database: keepAlive(database) }) });
  const store = new KyselyStore(db, { kind: 'sqlite', rowLocks: false }, path, () => migrateToLatest(db));
  if (options.migrate !== false) {
    try {
      await migrateToLatest(db);
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  return store;
}
