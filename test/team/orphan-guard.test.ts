/**
 * The guard that stops a job when its agent dies, as real processes: an "agent" (a Node process
 * running the real module, bundled here with esbuild) starts a job in a process group of its own
 * and a guard for it. Killed with SIGKILL, the agent takes the job with it (SIGTERM, then SIGKILL
 * after the grace for a job that ignores SIGTERM); an agent that releases the guard and exits
 * leaves the job alone. (Linux: processes are read from /proc.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { until } from './team-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'greenml-guard-'));
const agentScript = join(dir, 'agent.mjs');
const groups: number[] = [];

beforeAll(async () => {
  const guard = join(dir, 'guard.mjs');
  await build({ entryPoints: [join(ROOT, 'src/schedule/orphan-guard.ts')], outfile: guard, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
  // The job: a shell in a new session (its own process group), optionally deaf to SIGTERM.
  writeFileSync(
    agentScript,
    `import { spawn } from 'node:child_process';
import { startOrphanGuard } from ${JSON.stringify(guard)};
const [mode, graceMs] = process.argv.slice(2);
const job = spawn('sh', ['-c', mode === 'deaf' ? "trap '' TERM; sleep 30 & wait" : 'sleep 30 & wait'], { detached: true, stdio: 'ignore' });
const guard = startOrphanGuard(job.pid, Number(graceMs));
process.stdout.write(job.pid + '\\n');
if (mode === 'release') { guard.release(); setTimeout(() => process.exit(0), 200); }
else setInterval(() => {}, 1000);
`,
  );
});

afterEach(() => {
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
});

/** A live (not zombie) process in the group: an orphaned zombie lingers until init reaps it, which says nothing about the guard. */
const groupAlive = (pgid: number): boolean =>
  readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .some((pid) => {
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so read after its last ')'.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(pgrp) === pgid && state !== 'Z';
      } catch {
        return false;
      }
    });

async function startAgent(mode: 'plain' | 'deaf' | 'release', graceMs: number) {
  const child = spawn(process.execPath, [agentScript, mode, String(graceMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  await until('the agent to start its job', () => out.includes('\n'), 10_000, 20);
  const pgid = Number(out.trim());
  groups.push(pgid);
  return { child, pgid, exited };
}

describe('orphan guard', () => {
  it('stops the job with SIGTERM when its agent is killed with SIGKILL', async () => {
    const a = await startAgent('plain', 5000);
    expect(groupAlive(a.pgid)).toBe(true);
    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;
    await until('the job to be gone', () => !groupAlive(a.pgid), 4500, 20);
    console.log(`[orphan guard] job gone ${Date.now() - killedAt} ms after its agent was killed`);
    // Inside the 5 s grace, so SIGTERM did it (tens of ms here; room left for a loaded machine).
    expect(Date.now() - killedAt).toBeLessThan(4500);
  });

  it('follows with SIGKILL after the grace for a job that ignores SIGTERM', async () => {
    // A 2 s grace and a look at 500 ms: the job is seen alive between SIGTERM and SIGKILL even when a
    // loaded machine delays the test's timer.
    const a = await startAgent('deaf', 2000);
    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;
    await new Promise((r) => setTimeout(r, 500));
    expect(groupAlive(a.pgid)).toBe(true);
    await until('the job to be gone', () => !groupAlive(a.pgid), 7000, 20);
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(2000);
  });

  it('leaves the job alone when the agent released the guard and exited', async () => {
    const a = await startAgent('release', 100);
    await a.exited;
    await new Promise((r) => setTimeout(r, 600));
    expect(groupAlive(a.pgid)).toBe(true);
  });
});
