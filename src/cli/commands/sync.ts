/**
 * `greenml sync`: pushes the runs that were recorded locally because the server could not take
 * them (`greenml run --server` spools them) to the server, each as an idempotent bundle; a run's
 * mark is removed only after the server confirmed it. Safe to run any time, and more than once.
 */
import type { Command } from 'commander';
import { GreenmlError } from '../../core/index.js';
import type { SyncReport } from '../../store/index.js';
import { exitCodeFor } from '../exit-codes.js';
import { colors, printJson, printLine } from '../output.js';

export interface SyncFlags {
  server?: string;
  token?: string;
  db?: string;
  spoolDir?: string;
  json?: boolean;
}

export interface SyncResult extends SyncReport {
  server: string;
  local: string;
  spoolDir: string;
}

export async function runSync(flags: SyncFlags, env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Promise<SyncResult> {
  const { resolveSettings } = await import('../config.js');
  const { values } = resolveSettings({ flags: { server: flags.server, token: flags.token, db: flags.db }, env, cwd });
  if (!values.server) {
    throw new GreenmlError('INVALID_INPUT', 'Which server? Give --server http://<host>:8767, or set GREENML_SERVER or "server" in greenml.config.json.', {
      details: { field: 'server' },
    });
  }
  const { resolveDbLocation } = await import('../db.js');
  const store = await import('../../store/index.js');
  const localDb = await resolveDbLocation({ db: flags.db });
  const spoolDir = flags.spoolDir ?? store.spoolDirOf(localDb);
  const base = { server: values.server, local: localDb, spoolDir };
  if (store.pendingSyncs(spoolDir).length === 0) return { ...base, pushed: [], failed: [], skipped: [] };
  const local = await store.openStore(localDb);
  const remote = store.openHttpStore({ url: values.server, token: values.token ?? null });
  try {
    return { ...base, ...(await store.syncSpool({ local, remote, spoolDir })) };
  } finally {
    await remote.close();
    await local.close();
  }
}

export const registerSync = (program: Command): void => {
  program
    .command('sync')
    .description('Push runs kept locally while the server was unreachable to the server (idempotent)')
    .option('--server <url>', 'the greenml server (default: GREENML_SERVER or "server" in greenml.config.json)')
    .option('--token <token>', 'API token (default: GREENML_TOKEN or "token" in the config file)')
    .option('--db <location>', 'the local database the runs were kept in (default: GREENML_DB, the config file, or the user data directory)')
    .option('--spool-dir <dir>', 'folder of the sync marks (default: <db>-spool beside the database)')
    .option('--json', 'print JSON')
    .action(async (flags: SyncFlags) => {
      const r = await runSync(flags);
      if (flags.json) printJson(r);
      else {
        const c = colors();
        if (r.pushed.length + r.failed.length + r.skipped.length === 0) printLine(`Nothing to sync: no run is waiting in ${r.spoolDir}.`);
        for (const p of r.pushed) printLine(`${c.green('pushed')} ${p.runId} (${p.status}, ${p.samples} samples, ${p.metrics} metric points)`);
        for (const s of r.skipped) printLine(`${c.dim('skipped')} ${s} (another sync is pushing it)`);
        for (const f of r.failed) process.stderr.write(`${c.red('kept')} ${f.runId}: ${f.message}\n`);
        if (r.pushed.length > 0) printLine(`${r.pushed.length} run${r.pushed.length === 1 ? '' : 's'} now on ${r.server}.`);
        if (r.failed.length > 0) process.stderr.write(`${r.failed.length} run${r.failed.length === 1 ? '' : 's'} still kept locally; run greenml sync again later.\n`);
      }
      const first = r.failed[0];
      if (first) process.exitCode = exitCodeFor((first.code as GreenmlError['code']) ?? 'INTERNAL');
    });
};
