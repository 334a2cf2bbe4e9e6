/** The work of `greenml db migrate|copy`, loaded only when the command runs. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { GreenmlError } from '../../core/index.js';
import type { CopyProgress, CopyReport, MigrationStatus } from '../../store/index.js';
import { resolveDbLocation } from '../db.js';
import { colors, printJson, printLine, warn } from '../output.js';
import { renderTable } from '../table.js';
import type { CopyFlags, MigrateFlags } from './db.js';

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function printStatus(st: MigrationStatus): void {
  const c = colors();
  printLine(
    renderTable(st.migrations, [
      { header: 'MIGRATION', value: (m) => m.name },
      { header: 'APPLIED', value: (m) => (m.appliedAt === null ? c.yellow('pending') : iso(m.appliedAt)) },
    ]),
  );
  const pending = st.migrations.filter((m) => m.appliedAt === null).length;
  printLine(
    !st.exists
      ? `${st.location} has no greenml tables yet: greenml db migrate (or any command) creates them.`
      : pending > 0
        ? `${pending} pending in ${st.location}: apply with greenml db migrate --db <location>.`
        : `${st.location} is up to date.`,
  );
  if (st.unknown.length > 0) warn(`${st.location} has migrations this greenml does not know (${st.unknown.join(', ')}): a newer greenml migrated it. Upgrade greenml before using it.`);
}

export async function migrateAction(flags: MigrateFlags): Promise<number> {
  const location = await resolveDbLocation({ db: flags.db });
  const { migrationStatus, openStore } = await import('../../store/index.js');
  if (flags.status) {
    const st = await migrationStatus(location);
    if (flags.json) printJson(st);
    else printStatus(st);
    return 0;
  }
  const store = await openStore(location, { migrate: false });
  let applied: string[];
  try {
    applied = (await store.migrate()).applied;
  } finally {
    await store.close();
  }
  const st = await migrationStatus(location);
  if (flags.json) {
    printJson({ location: st.location, applied, migrations: st.migrations });
    return 0;
  }
  const c = colors();
  printLine(
    applied.length > 0
      ? `${c.green('Applied')} ${applied.length} migration${applied.length === 1 ? '' : 's'} to ${st.location}: ${applied.join(', ')}.`
      : `${st.location} is up to date: ${st.migrations.length} migrations applied, none to run.`,
  );
  return 0;
}

const PHASES: Record<CopyProgress['phase'], string> = { projects: 'projects', runs: 'runs', jobs: 'jobs', tokens: 'API tokens', budgets: 'budgets' };

function summary(r: CopyReport, from: string, to: string): string {
  return (
    `Copied ${r.projects} projects, ${r.runs} runs (${r.samples} samples, ${r.metrics} metric points), ${r.jobs} jobs, ${r.tokens} API tokens ` +
    `and ${r.budgets} budgets (${r.budgetStates} period states, ${r.alerts} alerts) from ${from} to ${to}.`
  );
}

export async function copyAction(flags: CopyFlags): Promise<number> {
  if (!flags.from || !flags.to) {
    throw new GreenmlError('INVALID_INPUT', 'Give both --from <location> (the database to read) and --to <location> (the one to write), e.g. --from ~/.local/share/greenml/greenml.db --to postgres://host/greenml.');
  }
  const { copyStore, openStore, parseStoreLocation } = await import('../../store/index.js');
  const source = parseStoreLocation(flags.from);
  // Opening a missing file would create an empty database and copy nothing: a typo should say so.
  if (source.engine === 'sqlite' && source.path !== ':memory:' && !existsSync(resolve(source.path))) {
    throw new GreenmlError('INVALID_INPUT', `No database at ${resolve(source.path)}: check --from (greenml's default is $XDG_DATA_HOME/greenml/greenml.db, or ~/.local/share/greenml/greenml.db).`);
  }
  parseStoreLocation(flags.to);
  const from = await openStore(flags.from);
  let to: Awaited<ReturnType<typeof openStore>> | null = null;
  const live = process.stderr.isTTY === true && !flags.json;
  try {
    to = await openStore(flags.to);
    const onProgress = live
      ? (p: CopyProgress) => process.stderr.write(`\r\x1b[2Kcopying ${PHASES[p.phase]}: ${p.done}${p.total !== null ? `/${p.total}` : ''}`)
      : undefined;
    // The live line is cleared before the summary, or an error, is printed.
    const report = await copyStore(from, to, onProgress ? { onProgress } : {}).finally(() => live && process.stderr.write('\r\x1b[2K'));
    if (flags.json) {
      printJson({ from: from.location, to: to.location, ...report });
    } else {
      printLine(summary(report, from.location, to.location));
      for (const w of report.warnings) warn(w);
    }
    return 0;
  } finally {
    await to?.close();
    await from.close();
  }
}
