/**
 * A job whose holder stopped renewing its lease (its agent was killed, its machine died or lost
 * the database) is dealt with by policy, the job's own (`spec.onLost`) or else the default of the
 * agent that finds it:
 *   - `fail` (the default): the job is marked failed and not run again. greenml cannot tell
 *     whether the workload finished, failed or still runs as an orphan, and running a training
 *     job twice could do harm; the message says where it ran and how to schedule it again.
 *   - `retry`: the job becomes pending again and any agent carrying its labels takes it (a job
 *     with a resume command resumes from its checkpoint), up to maxAttempts claims in all. Safe
 *     only because a retry-policy job never outlives its hold: its agent stops it once it cannot
 *     renew for half a lease, and a guard process stops it when the agent itself dies (executor.ts).
 * Either way the run the lost agent was recording is marked `lost`, ending at its last heartbeat.
 */
import type { JobRecord } from '../core/index.js';
import type { Store } from '../store/index.js';

export const LOST_JOB_POLICIES = ['fail', 'retry'] as const;
export type LostJobPolicy = (typeof LOST_JOB_POLICIES)[number];

/**
 * Claims a retry-policy job may take in all, the first included: a job that loses its agent every
 * time (one that exhausts the machine's memory, say) is failed after this many. greenml's choice.
 */
export const DEFAULT_MAX_ATTEMPTS = 3;

export interface LostJobOptions {
  /** Used when the job does not say (spec.onLost). */
  policy: LostJobPolicy;
  /** Retry-policy jobs are failed once they have been claimed this many times (default 3). */
  maxAttempts?: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export const isLostJobPolicy = (v: unknown): v is LostJobPolicy => v === 'fail' || v === 'retry';

/** The job's own policy (spec.onLost, when it is one) or the fallback. */
export function lostPolicyOf(job: JobRecord, fallback: LostJobPolicy): LostJobPolicy {
  // Validated again: the spec is a stored document that an older greenml may have written.
  const own: unknown = job.spec.onLost;
  return isLostJobPolicy(own) ? own : fallback;
}

interface ProgressView {
  progress?: { host?: string; childPid?: number; runIds?: string[]; notes?: string[] };
}

const progressOf = (job: JobRecord): ProgressView['progress'] => (job.plan as ProgressView | null)?.progress;

function where(job: JobRecord): string {
  const p = progressOf(job);
  return p?.host ? ` on ${p.host}${p.childPid ? ` (process group ${p.childPid})` : ''}` : '';
}

export function lostMessage(job: JobRecord, nowMs: number, retriesSpent = false): string {
  const lastRun = progressOf(job)?.runIds?.at(-1) ?? job.runId;
  const why = retriesSpent
    ? `; it had been claimed ${job.attempts} times, the most its on-lost retry policy allows`
    : '; the job was not restarted because its workload may have finished or may still be running' + where(job);
  return (
    `Agent ${job.agentId ?? '?'} stopped renewing its hold (lease ended ${iso(job.leaseUntilMs ?? nowMs)})${why}. ` +
    `Check it, then schedule it again${lastRun ? ` (greenml schedule --from-run ${lastRun} --deadline ...)` : ''}.`
  );
}

/**
 * Ends the lost agent's run at its last heartbeat. The job names its run once the agent's first
 * hold after the start was written; an agent killed before that leaves only the run's own link
 * (jobId, and the greenml.job tag the search finds), so both are looked at.
 */
async function markRunsLost(store: Store, job: JobRecord, reason: string): Promise<void> {
  const ids = new Set<string>();
  const named = progressOf(job)?.runIds?.at(-1) ?? job.runId;
  if (named) ids.add(named);
  const page = await store.listRuns({ status: 'running', search: `greenml.job=${job.id}`, limit: 100 }).catch(() => null);
  for (const r of page?.runs ?? []) if (r.jobId === job.id) ids.add(r.id);
  for (const id of ids) {
    const run = await store.getRun(id).catch(() => null);
    if (run?.status !== 'running') continue;
    await store.updateRun(run.id, { status: 'lost', statusReason: reason, endedAt: run.heartbeatAt }).catch(() => undefined);
  }
}

/**
 * Applies the policy to a running or held-paused job whose lease ran out before nowMs. Returns
 * what was done, or null when the job changed meanwhile (another agent got there first).
 */
export async function recoverLostJob(store: Store, job: JobRecord, nowMs: number, o: LostJobOptions): Promise<'failed' | 'retried' | null> {
  const policy = lostPolicyOf(job, o.policy);
  const maxAttempts = o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const runReason = `agent ${job.agentId ?? '?'} stopped renewing its hold on job ${job.id} (lease ended ${iso(job.leaseUntilMs ?? nowMs)})`;
  if (policy === 'retry' && job.attempts < maxAttempts) {
    const note = `Attempt ${job.attempts} on agent ${job.agentId ?? '?'}${where(job)} was lost at ${iso(job.leaseUntilMs ?? nowMs)} (its lease ran out); the job was made pending again (on-lost retry).`;
    const p = progressOf(job);
    const plan = job.plan && p ? { ...job.plan, progress: { ...p, notes: [...(p.notes ?? []), note] } } : undefined;
    const ok = await store.updateJob(
      job.id,
      { state: 'pending', agentId: null, leaseUntilMs: null, updatedAt: nowMs, ...(plan ? { plan } : {}) },
      { expectState: job.state },
    );
    if (!ok) return null;
    await markRunsLost(store, job, `${runReason}; the job is retried`);
    return 'retried';
  }
  const ok = await store.updateJob(
    job.id,
    { state: 'failed', error: lostMessage(job, nowMs, policy === 'retry'), leaseUntilMs: null, endedAt: nowMs, updatedAt: nowMs },
    { expectState: job.state },
  );
  if (!ok) return null;
  await markRunsLost(store, job, runReason);
  return 'failed';
}

/**
 * Tidies up after agents that are gone, before a claim: a job handed back by a resume command
 * (paused, no holder) whose next window has come becomes pending again; a job whose holder's lease
 * ran out is failed or retried by policy. `visit` sees every pending job afterwards, when given.
 */
/** A job is for an agent when the agent carries each of its labels (same key, same value). */
export const carriesLabels = (agent: Record<string, string>, job: Record<string, string>): boolean => Object.entries(job).every(([k, v]) => agent[k] === v);

/** The pending jobs' labels and due times a sweep saw, for an idle agent's next wake-up. */
export class UpcomingJobs {
  #seen: { labels: Record<string, string>; dueAtMs: number }[] = [];
  #next: { labels: Record<string, string>; dueAtMs: number }[] = [];
  /** Starts a new sweep's list. */
  begin(): void {
    this.#next = [];
  }
  add(job: JobRecord): void {
    this.#next.push({ labels: job.labels, dueAtMs: job.dueAtMs });
  }
  /** The sweep is complete: its list replaces the last. */
  end(): void {
    this.#seen = this.#next;
  }
  earliestAfter(labels: Record<string, string>, nowMs: number): number | null {
    let best: number | null = null;
    for (const j of this.#seen) if (j.dueAtMs > nowMs && (best === null || j.dueAtMs < best) && carriesLabels(labels, j.labels)) best = j.dueAtMs;
    return best;
  }
}

export async function tidyJobs(store: Store, nowMs: number, o: LostJobOptions & { visit?: (job: JobRecord) => Promise<void> }): Promise<void> {
  let cursor: string | null = null;
  do {
    const page = await store.listJobs({ state: o.visit ? ['pending', 'running', 'paused'] : ['running', 'paused'], limit: 500, cursor });
    for (const job of page.jobs) {
      if (job.state === 'pending') {
        await o.visit?.(job);
      } else if (job.state === 'paused' && job.agentId === null) {
        if (job.dueAtMs <= nowMs && (await store.updateJob(job.id, { state: 'pending', updatedAt: nowMs }, { expectState: 'paused' }))) {
          await o.visit?.({ ...job, state: 'pending', updatedAt: nowMs });
        } else {
          await o.visit?.(job);
        }
      } else if (job.leaseUntilMs !== null && job.leaseUntilMs < nowMs) {
        if ((await recoverLostJob(store, job, nowMs, o)) === 'retried' && o.visit) {
          const again = await store.getJob(job.id);
          if (again?.state === 'pending') await o.visit(again);
        }
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
}
