/** Helpers to exercise the CLI: in-process through main() (fast) or as a real child process. */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { main } from '../../src/cli/program.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = `${ROOT}dist/bin/greenml.js`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `greenml <args>` in this process, capturing what it writes. */
export async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const saved: Record<string, string | undefined> = {};
  // Plain text unless a test asks for colour: picocolors turns colour on under CI=1 even when
  // stdout is not a terminal, and assertions read the words, not the escapes.
  for (const [k, v] of Object.entries({ NO_COLOR: '1', ...env })) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const savedExit = process.exitCode;
  process.exitCode = undefined;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = savedExit;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Runs the built CLI as a real child process and keeps its output as bytes. */
export function spawnCliRaw(args: string[], options: SpawnSyncOptions = {}): { code: number; stdout: Buffer; stderr: Buffer } {
  const r = spawnSync(process.execPath, [CLI, ...args], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024, ...options, encoding: 'buffer' });
  return { code: r.status ?? (r.signal ? 128 : -1), stdout: r.stdout as Buffer, stderr: r.stderr as Buffer };
}

/** Runs the built CLI (`npm run build` first) as a real child process. */
export function spawnCli(args: string[], options: SpawnSyncOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, ...options });
  return { code: r.status ?? (r.signal ? 128 : -1), stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}
