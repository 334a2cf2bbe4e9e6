/**
 * greenml exits with its own code, never with better-sqlite3's SIGABRT: on Node 24, better-sqlite3
 * 12 aborts a process whose garbage collector destroys a statement outside a JavaScript context
 * (src/store/sqlite-keepalive.ts). Without the workaround `greenml run -- true` exited 134 in most
 * runs on Node 24; CI runs this file on Node 20 and 24.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from './helpers/cli.js';

describe(`greenml on Node ${process.versions.node} with its SQLite store`, () => {
  it('exits with the command\'s code every time, and the store reads back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'greenml-exit-'));
    const env = { ...process.env, NO_COLOR: '1', GREENML_DB: join(dir, 'g.db'), XDG_DATA_HOME: dir, GREENML_INTERVAL: '0.2s' };
    const codes: Array<number | null> = [];
    for (let i = 0; i < 4; i++) codes.push(spawnCli(['run', '--quiet', '--', 'sh', '-c', 'sleep 0.3; exit 3'], { env }).code);
    for (let i = 0; i < 4; i++) codes.push(spawnCli(['run', '--quiet', '--', 'true'], { env }).code);
    expect(codes).toEqual([3, 3, 3, 3, 0, 0, 0, 0]);
    const list = spawnCli(['runs', 'list', '--json'], { env });
    expect(list.code, list.stderr).toBe(0);
    expect(spawnCli(['db', 'migrate', '--status'], { env }).code).toBe(0);
  });
});
