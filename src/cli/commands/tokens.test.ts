import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { hashApiToken } from '../../server/index.js';
import { openStore } from '../../store/index.js';

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-tokens-'));
  db = join(dir, 'server.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every byte greenml wrote for the database (the file and its WAL). */
const databaseBytes = (): string => readdirSync(dir).filter((n) => n.startsWith('server.db')).map((n) => readFileSync(join(dir, n)).toString('latin1')).join('');

describe('greenml tokens', () => {
  it('creates a token, prints it once on stdout, and stores only its SHA-256', async () => {
    const r = await runCli(['tokens', 'create', '--project', 'vision', '--scope', 'ingest', '--name', 'laptop', '--db', db], { NO_COLOR: '1' });
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect(token).toMatch(/^gml_[A-Za-z0-9_-]{43}$/);
    expect(r.stdout).toBe(`${token}\n`);
    expect(r.stderr).toMatch(/only time the token is shown/);
    expect(r.stderr).not.toContain(token);
    const store = await openStore(db);
    try {
      const [t] = await store.listTokens();
      expect(t).toMatchObject({ name: 'laptop', project: 'vision', scope: 'ingest', hash: hashApiToken(token), revokedAt: null });
    } finally {
      await store.close();
    }
    expect(databaseBytes()).not.toContain(token);
    expect(databaseBytes()).not.toContain(token.slice(4));

    const list = await runCli(['tokens', 'list', '--db', db], { NO_COLOR: '1' });
    expect(list.stdout).toMatch(/^ID\s+NAME\s+PROJECT\s+SCOPE\s+CREATED\s+LAST USED\s+REVOKED/);
    expect(list.stdout).toMatch(/tok_[0-9a-f]{12}\s+laptop\s+vision\s+ingest/);
    expect(list.stdout).not.toContain(token);
    const json = JSON.parse((await runCli(['tokens', 'list', '--db', db, '--json'])).stdout) as Record<string, unknown>[];
    expect(json[0]).not.toHaveProperty('hash');
  });

  it('revokes by id, once', async () => {
    const created = JSON.parse((await runCli(['tokens', 'create', '--all-projects', '--scope', 'admin', '--db', db, '--json'])).stdout) as { id: string; token: string; project: null; name: string };
    expect(created).toMatchObject({ project: null, name: 'admin all projects', token: expect.stringMatching(/^gml_/) });
    const r = await runCli(['tokens', 'revoke', created.id, '--db', db]);
    expect(r).toMatchObject({ code: 0, stdout: `Revoked ${created.id} "admin all projects".\n` });
    const again = await runCli(['tokens', 'revoke', created.id, '--db', db]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/revoked already/);
    const missing = await runCli(['tokens', 'revoke', 'tok_nothing', '--db', db]);
    expect(missing.code).toBe(3);
  });

  it('asks for a scope and for a project or --all-projects', async () => {
    const noScope = await runCli(['tokens', 'create', '--project', 'p', '--db', db]);
    expect(noScope.code).toBe(2);
    expect(noScope.stderr).toMatch(/Give --scope: read .*ingest .*admin/);
    expect((await runCli(['tokens', 'create', '--scope', 'owner', '--project', 'p', '--db', db])).stderr).toMatch(/Unknown --scope "owner"/);
    expect((await runCli(['tokens', 'create', '--scope', 'read', '--db', db])).stderr).toMatch(/--project <name>.*or --all-projects/);
    expect((await runCli(['tokens', 'create', '--scope', 'read', '--project', 'p', '--all-projects', '--db', db])).stderr).toMatch(/not both/);
  });
});
