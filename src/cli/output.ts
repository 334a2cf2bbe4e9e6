/**
 * The CLI's one way to the terminal: results on stdout (human text or --json), diagnostics and
 * errors on stderr. Colour follows NO_COLOR / FORCE_COLOR / --no-color and whether stderr is a TTY.
 */
import pc from 'picocolors';
import { isGreenmlError } from '../core/index.js';
import { EXIT, exitCodeFor } from './exit-codes.js';

export const useColor = (): boolean =>
  !process.argv.includes('--no-color') && !(process.env.NO_COLOR ?? '').length && pc.isColorSupported;

export type Colors = ReturnType<typeof pc.createColors>;

export const colors = (): Colors => pc.createColors(useColor());

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printLine(text = ''): void {
  process.stdout.write(text + '\n');
}

export function warn(text: string): void {
  process.stderr.write(`${colors().yellow('greenml: warning:')} ${text}\n`);
}

/** Prints an error the way the user asked (JSON on stdout with --json) and returns its exit code. */
export function reportError(e: unknown, json: boolean): number {
  if (isGreenmlError(e)) {
    if (json) printJson({ error: e.toJSON() });
    else process.stderr.write(`${colors().red('greenml: error:')} ${e.message}\n`);
    return exitCodeFor(e.code);
  }
  const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
  if (json) printJson({ error: { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) } });
  else process.stderr.write(`${colors().red('greenml: internal error:')} ${message}\n`);
  return EXIT.failure;
}
