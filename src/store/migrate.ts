/** Runs the code-defined migrations (migrations/index.ts) with Kysely's Migrator. */
import { Migrator, type Kysely } from 'kysely';
import { GreenmlError } from '../core/index.js';
import { MIGRATIONS } from './migrations/index.js';
import type { DB } from './schema.js';
import type { MigrationReport } from './store.js';

/**
 * `schema` names the PostgreSQL schema holding the migration tables: without it, Kysely's
 * introspection would mistake another schema's kysely_migration table for ours.
 */
export async function migrateToLatest(db: Kysely<DB>, schema?: string): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    if (error instanceof Error && /corrupted migrations/.test(error.message)) {
      throw new GreenmlError(
        'STORE_UNAVAILABLE',
        `The database was migrated by a newer or different greenml (${error.message}). Upgrade greenml, or point --db at another database.`,
        { cause: error },
      );
    }
    if (failed && error instanceof Error) error.message = `migration ${failed} failed: ${error.message}`;
    throw error;
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
