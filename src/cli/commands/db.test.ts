import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../../../test/helpers/cli.js';
import { makeAlert, makeBudget, makeState } from '../../store/budgets.contract.js';
import { T0, makeJob, makeRun, makeSamples, makeToken } from '../../store/fixtures.contract.js';
import { postgresHarness, probePostgres } from '../../store/harness.contract.js';
import { openStore, type Store } from '../../store/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const pgSkip = await probePostgres();
if (pgSkip) console.warn(`[greenml db] PostgreSQL cases skipped: ${pgSkip}`);
const pg = postgresHarness('dbcmd');
afterAll(async () => {
  if (!pgSkip) await pg.cleanup();
});

const cli = (args: string[]) => runCli(args, { NO_COLOR: '1', GREENML_DB: undefined });

/** A laptop's history: runs with samples, a job, a token, a budget with states and an alert. */
async function laptop(path: string): Promise<void> {
  const s = await openStore(path);
  try {
    for (let i = 0; i < 12; i++) {
      await s.createRun(makeRun(`laptop-run-${i}`, { project: i % 2 ? 'nlp' : 'vision', startedAt: T0 + i, status: 'succeeded', endedAt: T0 + 60_000 }));
      await s.appendSamples(`laptop-run-${i}`, makeSamples(25, T0 + i));
    }
    await s.createJob(makeJob('laptop-job-1', { state: 'succeeded', runId: 'laptop-run-1' }));
    await s.createToken(makeToken('laptop-tok', 0x61, { scope: 'ingest', project: 'nlp' }));
    const budget = makeBudget('laptop-budget');
    await s.putBudget(budget);
    await s.putBudgetState(makeState(budget.id, { status: 'alarm', alarms: ['actual:percentage:80'] }), { expectVersion: null, alerts: [makeAlert('laptop-alert', budget)] });
  } finally {
    await s.close();
  }
}

async function counts(s: Store) {
  let samples = 0;
  for (const r of (await s.listRuns({ limit: 1000 })).runs) samples += (await s.listSamples(r.id)).length;
  const budgets = await s.listBudgets();
  return {
    runs: await s.countRuns(),
    samples,
    jobs: (await s.listJobs({ limit: 1000 })).jobs.length,
    tokens: (await s.listTokens()).length,
    budgets: budgets.length,
    states: (await Promise.all(budgets.map((b) => s.listBudgetStates(b.id)))).flat().length,
    alerts: (await s.listAlerts({ limit: 1000 })).length,
  };
}

describe('greenml db migrate', () => {
  it('lists every migration as pending for a new file without creating it, applies them once, then lists when', async () => {
    const db = join(dir, 'new.db');
    const before = await cli(['db', 'migrate', '--db', db, '--status']);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/^MIGRATION\s+APPLIED\n0001-initial\s+pending\n0002-budgets\s+pending\n/);
    expect(before.stdout).toMatch(/has no greenml tables yet/);
    expect(existsSync(db)).toBe(false);

    const first = await cli(['db', 'migrate', '--db', db]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`Applied 2 migrations to ${db}: 0001-initial, 0002-budgets.\n`);
    const again = await cli(['db', 'migrate', '--db', db, '--json']);
    const json = JSON.parse(again.stdout) as { applied: string[]; migrations: { name: string; appliedAt: number | null }[] };
    expect(json.applied).toEqual([]);
    expect(json.migrations.map((m) => m.name)).toEqual(['0001-initial', '0002-budgets']);
    expect(json.migrations.every((m) => typeof m.appliedAt === 'number' && Math.abs(m.appliedAt - Date.now()) < 60_000)).toBe(true);
    const status = await cli(['db', 'migrate', '--db', db, '--status']);
    expect(status.stdout).toMatch(/0001-initial\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    expect(status.stdout).toMatch(/is up to date\.\n$/);
  });

  it('names migrations it does not know (a newer greenml migrated the database) and refuses to migrate it', async () => {
    const db = join(dir, 'newer.db');
    expect((await cli(['db', 'migrate', '--db', db])).code).toBe(0);
    const raw = new Database(db);
    raw.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('0099-from-the-future', new Date().toISOString());
    raw.close();
    const status = await cli(['db', 'migrate', '--db', db, '--status', '--json']);
    expect((JSON.parse(status.stdout) as { unknown: string[] }).unknown).toEqual(['0099-from-the-future']);
    const plain = await cli(['db', 'migrate', '--db', db, '--status']);
    expect(plain.stderr).toMatch(/does not know \(0099-from-the-future\): a newer greenml migrated it/);
    const migrate = await cli(['db', 'migrate', '--db', db]);
    expect(migrate.code).toBe(2);
    expect(migrate.stderr).toMatch(/migrated by a newer or different greenml/);
  });

  it.skipIf(pgSkip !== null)('applies and lists migrations in a PostgreSQL schema', async () => {
    const store = await pg.make();
    const url = pg.locationOf(store);
    await store.close();
    const status = await cli(['db', 'migrate', '--db', url, '--status', '--json']);
    expect(status.code).toBe(0);
    const st = JSON.parse(status.stdout) as { exists: boolean; migrations: { appliedAt: number | null }[] };
    expect(st.exists).toBe(true);
    expect(st.migrations.every((m) => m.appliedAt !== null)).toBe(true);
    expect((await cli(['db', 'migrate', '--db', url])).stdout).toMatch(/is up to date: 2 migrations applied, none to run/);
  });
});

describe('greenml db copy', () => {
  it.skipIf(pgSkip !== null)("moves a laptop's SQLite history into PostgreSQL; run twice it duplicates nothing", async () => {
    const from = join(dir, 'laptop.db');
    await laptop(from);
    const target = await pg.make();
    const to = pg.locationOf(target);
    const first = await cli(['db', 'copy', '--from', from, '--to', to, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as Record<string, unknown>;
    expect(report).toEqual({ from, to, projects: 3, runs: 12, samples: 300, metrics: 0, jobs: 1, tokens: 1, budgets: 1, budgetStates: 1, alerts: 1, warnings: [] });
    const second = await cli(['db', 'copy', '--from', from, '--to', to]);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(`Copied 3 projects, 12 runs (300 samples, 0 metric points), 1 jobs, 1 API tokens and 1 budgets (1 period states, 1 alerts) from ${from} to ${to}.\n`);
    const source = await openStore(from);
    try {
      expect(await counts(target)).toEqual(await counts(source));
      expect(await counts(target)).toEqual({ runs: 12, samples: 300, jobs: 1, tokens: 1, budgets: 1, states: 1, alerts: 1 });
    } finally {
      await source.close();
      await target.close();
    }
  });

  it('shows its progress on stderr when that is a terminal', () => {
    const from = join(dir, 'tty-from.db');
    const to = join(dir, 'tty-to.db');
    const made = spawnSync(process.execPath, [CLI, 'run', '--db', from, '-q', '--', 'true'], { env: { ...process.env, XDG_DATA_HOME: dir } });
    expect(made.status).toBe(0);
    // `script` runs the copy on a pseudo-terminal, as a person at a shell would.
    const r = spawnSync('script', ['-qec', `${process.execPath} ${CLI} db copy --from ${from} --to ${to}`, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/copying runs: 1\/1/);
    expect(r.stdout).toMatch(/Copied 1 projects, 1 runs/);
    const piped = spawnSync(process.execPath, [CLI, 'db', 'copy', '--from', from, '--to', to], { encoding: 'utf8' });
    expect(piped.status).toBe(0);
    expect(piped.stderr).toBe('');
  });

  it('refuses without both locations, with a source that does not exist (creating nothing), and onto itself', async () => {
    const none = await cli(['db', 'copy', '--to', join(dir, 'x.db')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Give both --from <location>/);
    const missing = join(dir, 'typo.db');
    const typo = await cli(['db', 'copy', '--from', missing, '--to', join(dir, 'y.db')]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/No database at .*typo\.db: check --from/);
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(join(dir, 'y.db'))).toBe(false);
    const self = join(dir, 'self.db');
    expect((await cli(['db', 'migrate', '--db', self])).code).toBe(0);
    const onto = await cli(['db', 'copy', '--from', self, '--to', self]);
    expect(onto.code).toBe(2);
    expect(onto.stderr).toMatch(/same database/);
  });
});
