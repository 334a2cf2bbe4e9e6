/**
 * `greenml schedule --wait`: the job is stored like any other (so `greenml jobs` shows it) with a
 * greenml.waiter label no agent carries, the process counts down in the foreground, then takes
 * the job itself (a compare-and-set on the store) and runs it exactly as an agent would. For cron
 * and CI: the exit code is the command's. A signal while waiting cancels the job; a signal while
 * it runs stops it (SIGTERM to its process group, SIGKILL after the grace period), as `greenml run`
 * passes signals on.
 */
import { formatDurationS } from '../../core/index.js';
import type { PlannedJob } from '../../app/index.js';
import type { JobQueue } from '../../schedule/index.js';
import type { Store } from '../../store/index.js';
import { colors } from '../output.js';
import { cliExecutor } from './job-runtime.js';
import { windowLine } from './schedule-render.js';

/** A line every 10 minutes when stderr is not a terminal: enough for a CI log, not a flood. */
const PLAIN_EVERY_MS = 600_000;
const TTY_EVERY_MS = 1_000;
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

const clockText = (ms: number): string => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h > 0 ? `${h}h ` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}m ${String(s % 60).padStart(2, '0')}s`;
};

export async function waitAndRun(store: Store, queue: JobQueue, planned: PlannedJob, o: { agentId: string; zone: string }): Promise<number> {
  const { job } = planned;
  const c = colors();
  const log = (line: string): void => void process.stderr.write(`${c.dim('greenml:')} ${line}\n`);
  const stop = new AbortController();
  let signalled: NodeJS.Signals | null = null;
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (sig: NodeJS.Signals): void => {
    signalled ??= sig;
    stop.abort();
  };
  for (const s of signals) process.on(s, onSignal);
  try {
    const { systemClock } = await import('../../schedule/index.js');
    const first = planned.plan.windows[0];
    const tty = process.stderr.isTTY === true;
    if (job.dueAtMs > Date.now()) {
      log(`waiting ${formatDurationS((job.dueAtMs - Date.now()) / 1000)} for ${first ? windowLine(first, o.zone) : new Date(job.dueAtMs).toISOString()}; Ctrl-C cancels job ${job.id}`);
      let lastPlain = Date.now();
      while (!stop.signal.aborted) {
        const left = job.dueAtMs - Date.now();
        if (left <= 0) break;
        if (tty) process.stderr.write(`\r\x1b[K${c.dim('greenml:')} job ${job.id} starts in ${clockText(left)}`);
        else if (Date.now() - lastPlain >= PLAIN_EVERY_MS) {
          lastPlain = Date.now();
          log(`job ${job.id} starts in ${clockText(left)}`);
        }
        await systemClock.sleep(Math.min(left, tty ? TTY_EVERY_MS : PLAIN_EVERY_MS), stop.signal);
      }
      if (tty) process.stderr.write('\r\x1b[K');
      if (stop.signal.aborted) {
        await queue.cancel(job.id, Date.now()).catch(() => undefined);
        log(`interrupted by ${signalled ?? 'a signal'} while waiting: job ${job.id} cancelled, nothing was run.`);
        return SIGNAL_EXIT[signalled ?? 'SIGINT'] ?? 130;
      }
    }
    const leaseMs = 60_000;
    const claimed = await queue.claim({ nowMs: Date.now(), agentId: o.agentId, leaseMs, labels: job.labels, jobId: job.id });
    if (!claimed) {
      const now = await store.getJob(job.id);
      log(`job ${job.id} was not started here: it is ${now?.state ?? 'gone'}${now?.agentId ? ` (agent ${now.agentId})` : ''}.`);
      return 1;
    }
    log(`starting job ${job.id} now`);
    const execute = await cliExecutor(store, queue, o.agentId, { leaseMs, log });
    const r = await execute(claimed, { stop: stop.signal });
    if (r.exitCode !== null) return r.exitCode;
    return r.state === 'succeeded' ? 0 : 1;
  } finally {
    for (const s of signals) process.removeListener(s, onSignal);
  }
}
