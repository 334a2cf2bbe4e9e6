/** `greenml db migrate|copy`: bring a database's schema up to date (or show it), and move history between databases. */
import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';

export interface MigrateFlags {
  db?: string;
  status?: boolean;
  json?: boolean;
}

export interface CopyFlags {
  from?: string;
  to?: string;
  json?: boolean;
}

export const registerDb: RegisterCommand = (program: Command) => {
  const db = program.command('db').description('Database upkeep: apply migrations (or list them), copy one database into another');

  db.command('migrate')
    .description('Apply the migrations this greenml has and the database lacks, and print which ran')
    .option('--db <location>', 'database file or postgres:// URL (default: GREENML_DB, the config file, or the user data directory)')
    .option('--status', 'list every migration as applied (with when) or pending, and apply nothing')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Every greenml command migrates the database it opens; run this before starting a new version of a
server or agents, so the upgrade happens once, under your eye, not in whichever process starts first.
Migrations only ever add (docs/operations.md, "Upgrading"); take a backup first all the same.`,
    )
    .action(async (flags: MigrateFlags) => {
      const { migrateAction } = await import('./db-action.js');
      process.exitCode = await migrateAction(flags);
    });

  db.command('copy')
    .description("Copy everything one database holds into another, e.g. a laptop's SQLite history into the team's PostgreSQL")
    .option('--from <location>', 'the database to read (a file path or postgres:// URL)')
    .option('--to <location>', 'the database to write (created and migrated when needed)')
    .option('--json', 'print the counts as JSON')
    .addHelpText(
      'after',
      `
Runs (with samples and metrics), projects, jobs, API tokens (digests only), budgets with their
period states and alert history are written under their own ids: copying twice, or again after an
interrupted copy, duplicates nothing. The grid-intensity cache is not copied (it is refetched).
Progress goes to stderr when it is a terminal; the counts go to stdout.

Example:
  greenml db copy --from ~/.local/share/greenml/greenml.db --to postgres://greenml@db.internal/greenml`,
    )
    .action(async (flags: CopyFlags) => {
      const { copyAction } = await import('./db-action.js');
      process.exitCode = await copyAction(flags);
    });
};
