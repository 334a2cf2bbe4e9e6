/**
 * The agent loop: claim the due job with the earliest start this agent may run (its labels),
 * run it, repeat; when nothing is due, sleep until the next job it may take is due (as far as the
 * queue knows) or for the poll period, whichever is sooner. One job at a time: start several
 * agents for more.
 *
 * Shutdown: the first abort of `signal` (the CLI's first SIGTERM or SIGINT) drains: no new claim,
 * the running job finishes following its plan (a job with a resume command is stopped gracefully
 * and handed back, due at once); the second (stopSignal) ends the running job now (SIGTERM to its
 * process group, SIGKILL after the grace period) and marks it failed. Jobs are in the store, so
 * nothing pending is lost by any stop: the next agent claims them.
 */
import { reconcileLostRuns } from '../app/index.js';
import type { JobRecord } from '../core/index.js';
import type { Store } from '../store/index.js';
import type { Clock } from './clock.js';
import type { ExecuteJob, ExecuteResult } from './executor.js';
import type { JobQueue } from './queue.js';

export type AgentEvent = { kind: 'polling'; nowMs: number } | { kind: 'claimed'; job: JobRecord } | { kind: 'idle'; untilMs: number } | { kind: 'draining' } | { kind: 'lost-runs'; count: number };

export interface AgentOptions {
  queue: JobQueue;
  /** For the start-up check of runs left running by a previous agent on this host. */
  store: Store;
  execute: ExecuteJob;
  clock: Clock;
  agentId: string;
  /** Jobs with labels are taken only by agents carrying all of them; an agent without labels takes unlabelled jobs only. */
  labels: Record<string, string>;
  pollMs: number;
  leaseMs: number;
  /** Abort to drain (see the module comment). */
  signal: AbortSignal;
  /** Abort to stop the running job now. */
  stopSignal?: AbortSignal;
  /** Run what is due now, then return instead of polling. */
  once?: boolean;
  /** This host and a liveness check, to mark runs of dead agents here as lost at start. */
  liveness?: { host: string; isAlive: (pid: number) => boolean };
  onEvent?: (event: AgentEvent) => void;
}

/** How long after a job's due time an idle agent wakes for it, ms (greenml's choice: a few clock ticks). */
const WAKE_MARGIN_MS = 20;

export interface AgentSummary {
  results: ExecuteResult[];
}

export async function runAgent(o: AgentOptions): Promise<AgentSummary> {
  const emit = (e: AgentEvent): void => o.onEvent?.(e);
  if (o.liveness) {
    const count = await reconcileLostRuns(o.store, { ...o.liveness, nowMs: o.clock.now() });
    if (count > 0) emit({ kind: 'lost-runs', count });
  }
  const results: ExecuteResult[] = [];
  const onDrain = (): void => emit({ kind: 'draining' });
  o.signal.addEventListener('abort', onDrain, { once: true });
  try {
    while (!o.signal.aborted) {
      const nowMs = o.clock.now();
      emit({ kind: 'polling', nowMs });
      const job = await o.queue.claim({ nowMs, agentId: o.agentId, leaseMs: o.leaseMs, labels: o.labels });
      if (!job) {
        if (o.once) break;
        const next = o.queue.nextDueAtMs?.(o.labels, nowMs) ?? null;
        // A little past the due time: pg-boss offers a message once the database's clock has passed it.
        const waitMs = next === null ? o.pollMs : Math.min(o.pollMs, next - nowMs + WAKE_MARGIN_MS);
        emit({ kind: 'idle', untilMs: nowMs + waitMs });
        await o.clock.sleep(waitMs, o.signal);
        continue;
      }
      emit({ kind: 'claimed', job });
      results.push(await o.execute(job, { drain: o.signal, ...(o.stopSignal ? { stop: o.stopSignal } : {}) }));
    }
  } finally {
    o.signal.removeEventListener('abort', onDrain);
  }
  return { results };
}
