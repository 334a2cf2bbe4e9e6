/**
 * The transparent child, with real processes. Signals are sent to a real wrapper process
 * (test/fixtures/children/wrapper.mjs) that loads this very spawn.ts, transpiled alone into a temp
 * directory (it imports only node: builtins), so no build step and no stale dist/ is involved.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildResult, exitCodeFor, inForegroundOfTerminal, shouldForward, spawnChild } from './spawn.js';

const CHILDREN = join(import.meta.dirname, '../../test/fixtures/children');
const fixture = (name: string): string => join(CHILDREN, name);
let dir = '';
let spawnModule = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-spawn-'));
  const source = readFileSync(join(import.meta.dirname, 'spawn.ts'), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true } }).outputText;
  spawnModule = join(dir, 'spawn.mjs');
  writeFileSync(spawnModule, js);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs the wrapper around a command; `onStderr` sees the wrapper's (and child's) stderr as it comes. */
function wrap(args: string[], opts: { input?: Buffer; onStderr?: (text: string, proc: ChildProcess) => void } = {}): Promise<Finished> {
  const proc = spawn(process.execPath, [fixture('wrapper.mjs'), spawnModule, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  proc.stdout.on('data', (b: Buffer) => out.push(b));
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (s: string) => {
    err += s;
    opts.onStderr?.(err, proc);
  });
  if (opts.input) proc.stdin.end(opts.input);
  return new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr: err })));
}

const run = (command: string, args: string[] = []): Promise<ChildResult> => spawnChild({ command, args }).result;

describe('exitCodeFor', () => {
  it('maps results the POSIX way', () => {
    expect(exitCodeFor({ exitCode: 0, signal: null, spawnError: null })).toBe(0);
    expect(exitCodeFor({ exitCode: 3, signal: null, spawnError: null })).toBe(3);
    expect(exitCodeFor({ exitCode: null, signal: 'SIGTERM', spawnError: null })).toBe(143);
    expect(exitCodeFor({ exitCode: null, signal: 'SIGINT', spawnError: null })).toBe(130);
    expect(exitCodeFor({ exitCode: null, signal: 'SIGKILL', spawnError: null })).toBe(137);
    expect(exitCodeFor({ exitCode: null, signal: null, spawnError: { code: 'ENOENT', message: '' } })).toBe(127);
    expect(exitCodeFor({ exitCode: null, signal: null, spawnError: { code: 'EACCES', message: '' } })).toBe(126);
    expect(exitCodeFor({ exitCode: null, signal: null, spawnError: { code: 'EMFILE', message: '' } })).toBe(125);
  });
});

describe('spawnChild with real children', () => {
  it('passes exit codes 0 and 3 through', async () => {
    expect(exitCodeFor(await run(process.execPath, [fixture('exit-with.mjs'), '0']))).toBe(0);
    const r = await run(process.execPath, [fixture('exit-with.mjs'), '3']);
    expect(r).toEqual({ exitCode: 3, signal: null, spawnError: null });
    expect(exitCodeFor(r)).toBe(3);
  });

  it('gives 127 for a command that does not exist', async () => {
    const r = await run('greenml-no-such-command-xyz');
    expect(r.spawnError?.code).toBe('ENOENT');
    expect(exitCodeFor(r)).toBe(127);
  });

  it('gives 126 for a file that is not executable and for a directory', async () => {
    const file = await run(fixture('not-executable.sh'));
    expect(file.spawnError?.code).toBe('EACCES');
    expect(exitCodeFor(file)).toBe(126);
    expect(exitCodeFor(await run(CHILDREN))).toBe(126);
  });

  it('gives 143 when the child is killed by SIGTERM', async () => {
    const child = spawnChild({ command: process.execPath, args: [fixture('sleep.mjs')] });
    setTimeout(() => child.kill('SIGTERM'), 200);
    const r = await child.result;
    expect(r.signal).toBe('SIGTERM');
    expect(exitCodeFor(r)).toBe(143);
  });

  it('adds the caller\'s variables to the environment', async () => {
    const r = await wrap([process.execPath, fixture('print-env.mjs')]);
    expect(JSON.parse(r.stdout.toString())).toMatchObject({ GREENML_RUN_ID: 'test-run' });
  });
});

describe('a wrapper process around a real child', () => {
  it('forwards SIGINT to the child, which exits 130, and exits 130 itself', async () => {
    let sent = false;
    const r = await wrap([process.execPath, fixture('count-sigint.mjs')], {
      onStderr: (text, proc) => {
        if (!sent && text.includes('ready')) {
          sent = true;
          proc.kill('SIGINT');
        }
      },
    });
    expect(r.stderr).toContain('wrapper: SIGINT forwarded=true');
    expect(r.stdout.toString()).toBe('sigint 1\n');
    expect(r.code).toBe(130);
  });

  it('forwards SIGTERM: a child killed by it makes the wrapper exit 143', async () => {
    let sent = false;
    const r = await wrap([process.execPath, fixture('sleep.mjs')], {
      onStderr: (text, proc) => {
        if (!sent && text.includes('ready')) {
          sent = true;
          proc.kill('SIGTERM');
        }
      },
    });
    expect(r.code).toBe(143);
  });

  it('never exits before the child: waits for its clean-up after SIGTERM', async () => {
    let sent = false;
    const r = await wrap([process.execPath, fixture('slow-exit.mjs')], {
      onStderr: (text, proc) => {
        if (!sent && text.includes('ready')) {
          sent = true;
          proc.kill('SIGTERM');
        }
      },
    });
    expect(r.stdout.toString()).toBe('cleaned up\n');
    expect(r.code).toBe(0);
  });

  it('passes several MB of binary stdout (all 256 byte values) through unchanged', async () => {
    const size = 3 * 1024 * 1024 + 17;
    const r = await wrap([process.execPath, fixture('bytes.mjs'), String(size)]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(size);
    const expected = Buffer.alloc(size);
    for (let i = 0; i < size; i++) expected[i] = i % 65536 % 256;
    expect(r.stdout.equals(expected)).toBe(true);
  });

  it('passes binary stdin through unchanged', async () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const input = Buffer.concat([all, randomBytes(2 * 1024 * 1024), all]);
    const r = await wrap([process.execPath, fixture('cat.mjs')], { input });
    expect(r.code).toBe(0);
    expect(r.stdout.equals(input)).toBe(true);
  });

  it('gives 127 and 126 as the wrapper\'s own exit status', async () => {
    expect((await wrap(['greenml-no-such-command-xyz'])).code).toBe(127);
    expect((await wrap([fixture('not-executable.sh')])).code).toBe(126);
  });
});

const hasScript = spawnSync('script', ['--version']).status === 0;

describe('keyboard signals on a terminal', () => {
  it('forwards SIGINT to a child outside a terminal\'s foreground group', () => {
    // The test runner's children have no controlling terminal when run by CI; a detached child
    // (new session) never has one: forwarding is then the only way a signal reaches it.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 2000)'], { detached: true, stdio: 'ignore' });
    try {
      expect(inForegroundOfTerminal(child.pid as number)).toBe(false);
      expect(shouldForward('SIGINT', child.pid)).toBe(true);
      expect(shouldForward('SIGTERM', child.pid)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it.skipIf(!hasScript)('delivers Ctrl-C once: the terminal signals the group and the wrapper does not forward it again', async () => {
    // script(1) runs the wrapper on a pseudo-terminal; ^C written to it makes the line discipline
    // send SIGINT to the foreground process group (the wrapper and the child).
    const cmd = [process.execPath, fixture('wrapper.mjs'), spawnModule, process.execPath, fixture('count-sigint.mjs')].map((a) => `'${a}'`).join(' ');
    const proc = spawn('script', ['-qec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (s: string) => {
      out += s;
      if (!sent && out.includes('ready')) {
        sent = true;
        proc.stdin.write('\x03');
      }
    });
    const code = await new Promise<number | null>((resolve) => proc.on('close', resolve));
    expect(out).toContain('wrapper: SIGINT forwarded=false');
    expect(out).toMatch(/sigint 1\r?\n/);
    expect(code).toBe(130);
  });
});

describe('observed stderr', () => {
  it('passes every byte on and hands a copy to the observer, then settles', async () => {
    const { spawnChild } = await import('./spawn.js');
    const seen: Buffer[] = [];
    const written: Buffer[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    (process.stderr as { write: unknown }).write = (chunk: Buffer) => {
      written.push(Buffer.from(chunk));
      return true;
    };
    try {
      const child = spawnChild({
        command: process.execPath,
        args: ['-e', "process.stderr.write(Buffer.from([0,255,13,10,1,2,3])); process.stderr.write('42%|##  | 42/100\\r')"],
        onStderr: (c) => seen.push(Buffer.from(c)),
      });
      const r = await child.result;
      expect(r.exitCode).toBe(0);
    } finally {
      (process.stderr as { write: unknown }).write = orig;
    }
    const expected = Buffer.concat([Buffer.from([0, 255, 13, 10, 1, 2, 3]), Buffer.from('42%|##  | 42/100\r')]);
    expect(Buffer.concat(seen)).toEqual(expected);
    expect(Buffer.concat(written)).toEqual(expected);
  });
});
