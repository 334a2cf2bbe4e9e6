/** The work of `greenml agent`, loaded only when the command runs. */
import { hostname } from 'node:os';
import { GreenmlError, parseDurationS } from '../../core/index.js';
import { resolveDbLocation } from '../db.js';
import { colors } from '../output.js';
import type { AgentFlags } from './agent.js';
import { cliExecutor, openJobQueue, parseOnLost } from './job-runtime.js';
import { parsePairs, splitList } from './schedule-action.js';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export async function agentAction(flags: AgentFlags): Promise<number> {
  const pollMs = parseDurationS(flags.poll ?? '10s', '--poll') * 1000;
  const leaseMs = parseDurationS(flags.lease ?? '60s', '--lease') * 1000;
  if (!(pollMs >= 50)) throw new GreenmlError('INVALID_INPUT', `--poll must be at least 50ms, got ${flags.poll}.`);
  if (!(leaseMs >= 1000)) throw new GreenmlError('INVALID_INPUT', `--lease must be at least 1s, got ${flags.lease}.`);
  const labels = parsePairs(splitList(flags.labels), '--labels');
  const agentId = flags.id?.trim() || `${hostname()}:${process.pid}`;
  const c = colors();
  const log = (line: string): void => void process.stderr.write(`${c.dim(`greenml agent ${agentId}:`)} ${line}\n`);

  const onLost = parseOnLost(flags.onLost ?? process.env.GREENML_ON_LOST, flags.onLost !== undefined ? '--on-lost' : 'GREENML_ON_LOST');
  const location = await resolveDbLocation({ db: flags.db });
  const { openStore } = await import('../../store/index.js');
  const store = await openStore(location);
  const drain = new AbortController();
  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (!drain.signal.aborted) {
      log(`${sig}: draining (no new job; the running one finishes). Send it again to stop the running job now.`);
      drain.abort();
    } else if (!stop.signal.aborted) {
      log(`${sig} again: stopping the running job.`);
      stop.abort();
    }
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const s of signals) process.on(s, onSignal);
  let queue: Awaited<ReturnType<typeof openJobQueue>> | null = null;
  try {
    const { runAgent, systemClock } = await import('../../schedule/index.js');
    queue = await openJobQueue(store, location, { queue: flags.queue, onLost, sweepEveryMs: Math.min(5000, pollMs), onWarning: (m) => log(colors().yellow(`warning: ${m}`)) });
    const execute = await cliExecutor(store, queue, agentId, { leaseMs, log, onLost });
    log(
      `${flags.once ? 'running the jobs due now' : `polling every ${pollMs / 1000} s`} (labels: ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') || 'none'}; ` +
        `queue: ${queue.kind ?? 'store'}; on lost agent: ${onLost}; store: ${store.location})`,
    );
    const summary = await runAgent({
      queue,
      store,
      execute,
      clock: systemClock,
      agentId,
      labels,
      pollMs,
      leaseMs,
      signal: drain.signal,
      stopSignal: stop.signal,
      once: flags.once === true,
      liveness: { host: hostname(), isAlive },
      onEvent: (e) => {
        if (e.kind === 'claimed') log(`took job ${e.job.id} (due ${new Date(e.job.dueAtMs).toISOString()})`);
        else if (e.kind === 'lost-runs') log(`marked ${e.count} run(s) of a previous greenml process lost`);
      },
    });
    log(`stopped after ${summary.results.length} job(s).`);
    const bad = summary.results.filter((r) => r.state !== 'succeeded' && r.state !== 'paused');
    return flags.once && bad.length > 0 ? 1 : 0;
  } finally {
    for (const s of signals) process.removeListener(s, onSignal);
    await queue?.close?.().catch((e: unknown) => log(`warning: closing the queue: ${e instanceof Error ? e.message : String(e)}`));
    await store.close();
  }
}
