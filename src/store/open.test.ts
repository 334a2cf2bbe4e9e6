import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRun } from './fixtures.contract.js';
import { defaultDbPath, openStore, parseStoreLocation } from './open.js';
import { expectError } from './store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'greenml-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseStoreLocation', () => {
  it('reads paths, sqlite:/file: URLs and :memory: as SQLite', () => {
    expect(parseStoreLocation('/var/lib/greenml.db')).toEqual({ engine: 'sqlite', path: '/var/lib/greenml.db' });
    expect(parseStoreLocation('runs.db')).toEqual({ engine: 'sqlite', path: 'runs.db' });
    expect(parseStoreLocation('sqlite:///data/g.db')).toEqual({ engine: 'sqlite', path: '/data/g.db' });
    expect(parseStoreLocation('sqlite:rel/g.db')).toEqual({ engine: 'sqlite', path: 'rel/g.db' });
    expect(parseStoreLocation('sqlite::memory:')).toEqual({ engine: 'sqlite', path: ':memory:' });
    expect(parseStoreLocation('file:///data/my%20runs.db')).toEqual({ engine: 'sqlite', path: '/data/my runs.db' });
    expect(parseStoreLocation(':memory:')).toEqual({ engine: 'sqlite', path: ':memory:' });
    expect(parseStoreLocation('C:\\Users\\me\\greenml.db')).toEqual({ engine: 'sqlite', path: 'C:\\Users\\me\\greenml.db' });
  });

  it('reads postgres:// and postgresql:// URLs as PostgreSQL', () => {
    expect(parseStoreLocation('postgres://u:p@db:5432/greenml')).toEqual({ engine: 'postgres', url: 'postgres://u:p@db:5432/greenml' });
    expect(parseStoreLocation('postgresql://db/greenml?schema=team')).toMatchObject({ engine: 'postgres' });
  });

  it('refuses other URL schemes and empty locations with a hint', () => {
    expect(() => parseStoreLocation('mysql://db/greenml')).toThrow(/Unsupported database URL.*postgres:\/\//);
    expect(() => parseStoreLocation('  ')).toThrow(/empty/);
  });
});

describe('defaultDbPath', () => {
  it('uses XDG_DATA_HOME when absolute, else ~/.local/share', () => {
    expect(defaultDbPath({ XDG_DATA_HOME: '/xdg/data' }, '/home/ada')).toBe('/xdg/data/greenml/greenml.db');
    expect(defaultDbPath({}, '/home/ada')).toBe('/home/ada/.local/share/greenml/greenml.db');
    expect(defaultDbPath({ XDG_DATA_HOME: '' }, '/home/ada')).toBe('/home/ada/.local/share/greenml/greenml.db');
    expect(defaultDbPath({ XDG_DATA_HOME: 'relative/data' }, '/home/ada')).toBe('/home/ada/.local/share/greenml/greenml.db');
  });
});

describe('openStore (SQLite)', () => {
  it('creates missing parent directories and a WAL-mode database', async () => {
    const path = join(dir, 'a', 'b', 'c', 'greenml.db');
    const store = await openStore(path);
    expect(store.kind).toBe('sqlite');
    expect(store.location).toBe(path);
    await store.createRun(makeRun('open-run-1'));
    expect(existsSync(`${path}-wal`)).toBe(true);
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    await store.close();
    const again = await openStore(pathToFileURL(path).href);
    expect((await again.getRun('open-run-1'))?.id).toBe('open-run-1');
    await again.close();
  });

  it('opens in-memory stores', async () => {
    const store = await openStore('sqlite::memory:');
    await store.createRun(makeRun('mem-run-1'));
    expect(await store.countRuns()).toBe(1);
    await store.close();
  });

  it('says where and why it cannot open, and how to choose another location', async () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'not a directory');
    await expectError(
      openStore(join(file, 'sub', 'greenml.db')),
      'STORE_UNAVAILABLE',
      new RegExp(`^Cannot open the database at ${join(file, 'sub', 'greenml.db')}: a parent of the path is a file, not a directory\\. Use --db <path> or GREENML_DB`),
    );
    const folder = join(dir, 'a-folder.db');
    mkdirSync(folder);
    await expectError(openStore(folder), 'STORE_UNAVAILABLE', /Cannot open the database at .*a-folder\.db: .*--db <path> or GREENML_DB/);
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'x'.repeat(4096));
    await expectError(openStore(garbage), 'STORE_UNAVAILABLE', /garbage\.db: file is not a database/);
  });

  it('refuses a database migrated by a newer greenml', async () => {
    const path = join(dir, 'future.db');
    await (await openStore(path)).close();
    const raw = new Database(path);
    raw.prepare("insert into kysely_migration (name, timestamp) values ('9999-from-the-future', '2030-01-01T00:00:00.000Z')").run();
    raw.close();
    await expectError(openStore(path), 'STORE_UNAVAILABLE', /newer or different greenml/);
  });
});

describe('openStore (PostgreSQL)', () => {
  it('reports an unreachable server without its password', async () => {
    const e = await expectError(
      openStore('postgres://greenml:s3cret@127.0.0.1:1/greenml', { connectTimeoutMs: 2000 }),
      'STORE_UNAVAILABLE',
      /^Cannot open the database at postgres:\/\/greenml:\*\*\*@127\.0\.0\.1:1\/greenml: .*refused.*--db <path> or GREENML_DB/,
    );
    expect(e.message).not.toContain('s3cret');
  });

  it('refuses a schema name it would have to quote', async () => {
    await expectError(openStore('postgres://127.0.0.1:1/greenml?schema=Bad-Name'), 'INVALID_INPUT', /schema/);
  });
});
