/**
 * Keeps every better-sqlite3 object reachable until the process ends: a workaround for
 * better-sqlite3 12.x on Node 24 (docs/architecture.md, "Upstream issues worked around").
 *
 * On Node 24, better-sqlite3 12's Statement and Database destructors call
 * node::RemoveEnvironmentCleanupHook, which aborts the process (`Assertion failed: (env) !=
 * nullptr`, SIGABRT, exit 134) when the garbage collector runs them outside a JavaScript context:
 * from an idle-time GC task while the process waits (a server, an agent, `greenml run` waiting on
 * its child) or during exit. better-sqlite3 13 fixes it but needs Node 22, and greenml supports 20.
 * An object that is never garbage is never destroyed by the collector, so:
 * - statements are prepared once per SQL text and reused (Kysely prepares one per query);
 * - a closed database and its statements stay referenced from this module, never collected.
 * The cost is one small object per distinct SQL text per opened database for the process's life.
 */
import type Database from 'better-sqlite3';

type Raw = Database.Database;
type Statement = Database.Statement;

const retired: unknown[] = [];

/** The subset of better-sqlite3 that Kysely's SqliteDialect calls. */
export interface KeptDatabase {
  prepare(sql: string): Statement;
  close(): void;
}

export function keepAlive(raw: Raw): KeptDatabase {
  const statements = new Map<string, Statement>();
  const extra: Statement[] = [];
  retired.push(raw, statements, extra);
  return {
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached && !cached.busy) return cached;
      const fresh = raw.prepare(sql);
      // A statement still iterating cannot be run again: the second one is kept beside it.
      if (cached) extra.push(fresh);
      else statements.set(sql, fresh);
      return fresh;
    },
    close() {
      raw.close();
    },
  };
}
