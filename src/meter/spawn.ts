/**
 * The wrapped command as a transparent child, like time(1): stdin, stdout and stderr are the
 * terminal's own (inherited file descriptors, never piped, so progress bars, colours and binary
 * output pass untouched), the environment is greenml's plus the variables the caller adds, signals
 * sent to greenml are forwarded, and the result maps to the wrapper's exit code the POSIX way
 * (shared/research/tracking.md 8.2-8.3).
 *
 * Keyboard signals: Ctrl-C and Ctrl-\ make the terminal send SIGINT / SIGQUIT to its whole
 * foreground process group, which holds greenml and the child (spawned in greenml's group).
 * Forwarding them again would deliver each twice (Doppler's CLI disables forwarding on a TTY for
 * this reason), and a second SIGINT interrupts a training script's own clean-up. So SIGINT and
 * SIGQUIT are not forwarded when the child is in its terminal's foreground process group
 * (tpgid == pgrp in /proc/<child>/stat); they are forwarded otherwise (kill -INT <greenml pid>, a
 * background job, no terminal). SIGTERM and SIGHUP are always forwarded: they come from a
 * scheduler, `kill`, a CI cancel or a closed session, addressed to greenml's PID alone.
 *
 * This file imports only node: builtins, so a test can transpile it alone and load it in a
 * plain-Node wrapper process (spawn.test.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const satisfies readonly NodeJS.Signals[];
/** Signals a terminal sends to its foreground process group from the keyboard (termios VINTR, VQUIT). */
export const KEYBOARD_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGQUIT'];

export interface SpawnOptions {
  command: string;
  args?: readonly string[];
  /** Variables added to (or replacing) the base environment, e.g. GREENML_RUN_ID, GREENML_METRICS_FILE. */
  env?: Readonly<Record<string, string>>;
  /** The environment the additions apply to; greenml's own by default. */
  baseEnv?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Signals to forward; FORWARDED_SIGNALS by default. */
  signals?: readonly NodeJS.Signals[];
  /** Told about each signal greenml receives and whether it was forwarded (for a status line or a log). */
  onSignal?: (signal: NodeJS.Signals, forwarded: boolean) => void;
  /**
   * Start the child in a new session and process group of its own (pgid = its pid), so a caller
   * can signal the whole tree with process.kill(-pid, signal): the scheduler's agent pauses jobs
   * with SIGSTOP/SIGCONT this way. Off by default: in greenml's group the child stays in the
   * terminal's foreground group, so Ctrl-C reaches it from the keyboard (see above) and it keeps
   * its controlling terminal (password prompts, job control). A child in its own group has no
   * controlling terminal, which is fine for unattended jobs only.
   */
  processGroup?: boolean;
  /**
   * Observe the child's stderr (for progress bars) while passing every byte on to greenml's stderr
   * unchanged. The child then writes to a pipe instead of greenml's stderr itself, so it no longer
   * sees a terminal there: callers enable this only when greenml's stderr is not a terminal
   * (logs, CI, agents), where the child would not have seen one either.
   */
  onStderr?: (chunk: Buffer) => void;
}

export interface SpawnFailure {
  /** errno name: ENOENT, EACCES... */
  code: string;
  message: string;
}

export interface ChildResult {
  /** The child's exit status, or null when a signal ended it or it never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  spawnError: SpawnFailure | null;
}

export interface RunningChild {
  /** Undefined when the command could not be started. */
  pid: number | undefined;
  /** The environment the child was given (CUDA_VISIBLE_DEVICES is read from it). */
  env: Readonly<Record<string, string | undefined>>;
  /** Settles when the child has exited (never rejects). */
  result: Promise<ChildResult>;
  kill(signal?: NodeJS.Signals): boolean;
}

/** Whether a process sits in its controlling terminal's foreground process group (proc(5) fields 5, 7, 8). */
export function inForegroundOfTerminal(pid: number | 'self'): boolean | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const pgrp = Number(f[2]);
    const ttyNr = Number(f[4]);
    const tpgid = Number(f[5]);
    return ttyNr !== 0 && tpgid > 0 && tpgid === pgrp;
  } catch {
    return null;
  }
}

/** Whether greenml should pass a signal it received on to the child (see the header comment). */
export function shouldForward(signal: NodeJS.Signals, childPid: number | undefined): boolean {
  if (!KEYBOARD_SIGNALS.includes(signal)) return true;
  const fg = childPid === undefined ? null : inForegroundOfTerminal(childPid);
  // Without /proc (macOS), fall back on "stdin is a terminal": the keyboard reached the child too.
  return !(fg ?? (process.stdin.isTTY === true));
}

export function spawnChild(options: SpawnOptions): RunningChild {
  const env: Record<string, string | undefined> = { ...(options.baseEnv ?? process.env), ...options.env };
  let child: ChildProcess;
  try {
    child = spawn(options.command, [...(options.args ?? [])], {
      stdio: options.onStderr ? ['inherit', 'inherit', 'pipe'] : 'inherit',
      env,
      cwd: options.cwd,
      detached: options.processGroup === true,
    });
  } catch (e) {
    // Synchronous failures (an argument with a NUL byte, a bad cwd type) mean the command never ran.
    const err = e as NodeJS.ErrnoException;
    const failure = { code: err.code ?? 'EINVAL', message: err.message };
    return { pid: undefined, env, result: Promise.resolve({ exitCode: null, signal: null, spawnError: failure }), kill: () => false };
  }
  const observe = options.onStderr;
  let stderrDone: Promise<void> = Promise.resolve();
  if (observe && child.stderr) {
    const pipe = child.stderr;
    stderrDone = new Promise((resolve) => pipe.once('close', () => resolve()));
    pipe.on('data', (chunk: Buffer) => {
      // Pass the bytes on first and pause the child's pipe while greenml's stderr is full.
      if (!process.stderr.write(chunk)) {
        pipe.pause();
        process.stderr.once('drain', () => pipe.resume());
      }
      try {
        observe(chunk);
      } catch {
        // Observing must never disturb the pass-through.
      }
    });
  }
  const signals = options.signals ?? FORWARDED_SIGNALS;
  const handlers = new Map<NodeJS.Signals, () => void>();
  const release = (): void => {
    for (const [sig, h] of handlers) process.removeListener(sig, h);
    handlers.clear();
  };
  for (const sig of signals) {
    const h = (): void => {
      const forward = child.exitCode === null && child.signalCode === null && shouldForward(sig, child.pid);
      if (forward) child.kill(sig);
      options.onSignal?.(sig, forward);
    };
    handlers.set(sig, h);
    process.on(sig, h);
  }
  const result = new Promise<ChildResult>((resolve) => {
    let settled = false;
    const settle = (r: ChildResult): void => {
      if (settled) return;
      settled = true;
      release();
      resolve(r);
    };
    // With an observed stderr, settle once its last bytes are passed on too, but not later than a
    // second after the exit: a background grandchild may hold the pipe open indefinitely.
    child.once('exit', (code, signal) => {
      const done = (): void => settle({ exitCode: code, signal, spawnError: null });
      const t = setTimeout(done, 1000);
      void stderrDone.then(() => {
        clearTimeout(t);
        done();
      });
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      // Errors after a successful start (a failed kill) do not end the child.
      if (child.pid === undefined) settle({ exitCode: null, signal: null, spawnError: { code: e.code ?? 'UNKNOWN', message: e.message } });
    });
  });
  return { pid: child.pid, env, result, kill: (signal: NodeJS.Signals = 'SIGTERM') => child.kill(signal) };
}

/** Exit statuses of POSIX shells and of env(1), time(1), nohup(1) (POSIX rationale; GNU coreutils). */
export const EXIT_COMMAND_NOT_FOUND = 127;
export const EXIT_CANNOT_EXECUTE = 126;
/** GNU env's status when the wrapper itself failed (neither the command's nor a lookup failure). */
export const EXIT_WRAPPER_FAILED = 125;
/** Shells report a death by signal N as 128 + N. */
export const SIGNAL_EXIT_BASE = 128;

export function signalNumber(signal: NodeJS.Signals): number | null {
  const n = (constants.signals as Record<string, number | undefined>)[signal];
  return typeof n === 'number' ? n : null;
}

/** The wrapper's exit code: the child's code; 127 not found; 126 not executable; 128+N after signal N. */
export function exitCodeFor(result: ChildResult): number {
  if (result.spawnError) {
    const code = result.spawnError.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return EXIT_COMMAND_NOT_FOUND;
    if (['EACCES', 'EISDIR', 'ENOEXEC', 'EPERM', 'E2BIG', 'ETXTBSY', 'ELOOP', 'ENAMETOOLONG'].includes(code)) return EXIT_CANNOT_EXECUTE;
    return EXIT_WRAPPER_FAILED;
  }
  if (result.exitCode !== null) return result.exitCode;
  if (result.signal) return SIGNAL_EXIT_BASE + (signalNumber(result.signal) ?? 0);
  return EXIT_WRAPPER_FAILED;
}
