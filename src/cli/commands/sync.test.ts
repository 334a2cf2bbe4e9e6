import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';

// The whole path (a run spooled while the server is down, then pushed) is in test/server/spool-sync.test.ts.
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-sync-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('greenml sync', () => {
  it('asks which server when none is configured', async () => {
    const r = await runCli(['sync', '--db', join(dir, 'local.db')], { GREENML_SERVER: undefined, NO_COLOR: '1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Which server\? Give --server http:\/\/<host>:8767, or set GREENML_SERVER/);
  });

  it('says there is nothing to sync without contacting the server', async () => {
    // Port 9 (discard) on loopback: never a greenml server; nothing pending means it is not asked.
    const r = await runCli(['sync', '--server', 'http://127.0.0.1:9', '--db', join(dir, 'local.db')], { NO_COLOR: '1' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Nothing to sync: no run is waiting in ${join(dir, 'local.db')}-spool.\n`);
    const json = JSON.parse((await runCli(['sync', '--server', 'http://127.0.0.1:9', '--db', join(dir, 'local.db'), '--json'])).stdout) as Record<string, unknown>;
    expect(json).toEqual({ server: 'http://127.0.0.1:9', local: join(dir, 'local.db'), spoolDir: `${join(dir, 'local.db')}-spool`, pushed: [], failed: [], skipped: [] });
  });
});
