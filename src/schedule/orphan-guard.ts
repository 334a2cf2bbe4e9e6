/**
 * A guard that stops a job's process group when the agent running it dies. The job runs in a
 * session of its own (so the agent's signals mean "drain", not "die"), which also means that an
 * agent killed with SIGKILL, or crashing, leaves it running unseen; for a job another agent may
 * retry, that would be the same job running twice at once.
 *
 * The guard is a tiny shell in a session of its own, reading a pipe whose other end only the agent
 * holds. The kernel closes that end when the agent exits for any reason, SIGKILL included: the
 * guard reads end-of-file and sends the group SIGCONT (a job stopped in place cannot act on
 * SIGTERM), SIGTERM, then SIGKILL after the grace period. When the job ends normally the agent
 * writes "release" and the guard exits without a signal. A pipe rather than polling the agent's
 * pid: no interval to wait out, and no pid reuse to mistake for a live agent.
 */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

const SCRIPT = 'read line; [ "$line" = release ] && exit 0; kill -s CONT -- "-$1"; kill -s TERM -- "-$1"; sleep "$2"; kill -s KILL -- "-$1"; exit 0';

export interface OrphanGuard {
  /** The job ended while this agent lived: the guard exits without a signal. */
  release(): void;
}

export function startOrphanGuard(pgid: number, graceMs: number): OrphanGuard {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`not a process group: ${pgid}`);
  const child = spawn('/bin/sh', ['-c', SCRIPT, 'greenml-guard', String(pgid), (Math.max(0, graceMs) / 1000).toFixed(3)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.on('error', () => undefined);
  const stdin = child.stdin as Writable & { unref?: () => void };
  stdin.on('error', () => undefined);
  // Neither the guard nor its pipe keeps this process alive: an agent exits when its work is done.
  child.unref();
  stdin.unref?.();
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      stdin.end('release\n');
    },
  };
}
