import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRun } from './fixtures.contract.js';
import { PG_TEST_URL, postgresHarness, probePostgres } from './harness.contract.js';
import { describeStore } from './store.contract.js';

const skip = await probePostgres();
const harness = postgresHarness('contract');
afterAll(async () => {
  if (!skip) await harness.cleanup();
});

describeStore('postgres (a fresh schema per store)', () => harness.make(), { skip, openPeer: (s) => harness.peer(s) });

describe.skipIf(skip !== null)('PostgreSQL adapter', () => {
  it('parses int8 to numbers in its own pool only, leaving pg global parsers alone', async () => {
    const store = await harness.make();
    await store.createRun(makeRun('pg-int8-run', { startedAt: 4_102_444_800_123 }));
    expect((await store.getRun('pg-int8-run'))?.startedAt).toBe(4_102_444_800_123);
    expect(await store.countRuns()).toBe(1);
    expect(pg.types.getTypeParser(20, 'text')('9007199254740993')).toBe('9007199254740993');
    await store.close();
  });

  it('keeps its tables in the schema it was given', async () => {
    const store = await harness.make();
    await store.createRun(makeRun('pg-schema-run'));
    const schema = new URL(harness.locationOf(store)).searchParams.get('schema');
    const client = new pg.Client({ connectionString: harness.locationOf(store).split('?')[0] });
    await client.connect();
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from "${schema}".runs`);
    await client.end();
    expect(rows[0]?.n).toBe('1');
    await store.close();
  });

  it('migrates a fresh schema while other processes create and drop theirs', async () => {
    // Kysely's Migrator reads every schema's tables; one dropped mid-read used to fail with 3F000.
    const churn = new pg.Client({ connectionString: PG_TEST_URL });
    await churn.connect();
    let stop = false;
    const churning = (async () => {
      for (let i = 0; !stop; i++) {
        const name = `greenml_churn_${process.pid}_${i}`;
        await churn.query(`create schema "${name}"; create table "${name}".kysely_migration (name text)`);
        await churn.query(`drop schema "${name}" cascade`);
      }
    })();
    try {
      for (let i = 0; i < 6; i++) {
        const store = await harness.make();
        expect(await store.countRuns()).toBe(0);
        await store.close();
      }
    } finally {
      stop = true;
      await churning;
      await churn.end();
    }
  });
});
