/**
 * The embedded queue: the Store's job table is the queue (claimNextDueJob hands each due job to
 * one claimer; updateJob's expectState makes every transition a compare-and-set), so jobs survive
 * any agent restart. Before each claim it tidies up after agents that are gone (lost-jobs.ts):
 *   - a job paused by a resume command (handed back, no holder) whose next window has come
 *     becomes pending again, to be claimed like any other;
 *   - a job whose holder stopped renewing its lease (the agent was killed or its machine died)
 *     is failed or made pending again by policy (`onLost`: fail by default, the job's own
 *     spec.onLost first); see lost-jobs.ts for why failing is the default.
 */
import { GreenmlError, type JobRecord } from '../core/index.js';
import type { Store } from '../store/index.js';
import { UpcomingJobs, tidyJobs, type LostJobPolicy } from './lost-jobs.js';
import type { CancelResult, ClaimJobRequest, FinishUpdate, HoldUpdate, JobQueue, RequeueUpdate } from './queue.js';

const ENDED = ['succeeded', 'failed', 'missed', 'cancelled'] as const;

export interface LocalQueueOptions {
  /** What becomes of a job whose agent is lost, unless the job says (default fail). */
  onLost?: LostJobPolicy;
  /** Claims a retry-policy job may take in all (default 3). */
  maxAttempts?: number;
}

export function localQueue(store: Store, options: LocalQueueOptions = {}): JobQueue {
  const lost = { policy: options.onLost ?? 'fail', ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}) } as const;
  const upcoming = new UpcomingJobs();
  const recover = async (nowMs: number): Promise<void> => {
    upcoming.begin();
    await tidyJobs(store, nowMs, { ...lost, visit: async (job) => upcoming.add(job) });
    upcoming.end();
  };

  /** The job as the agent holds it, or null when it is no longer this agent's. */
  async function held(jobId: string, agentId: string): Promise<JobRecord | null> {
    const job = await store.getJob(jobId);
    return job && job.agentId === agentId && (job.state === 'running' || job.state === 'paused') ? job : null;
  }

  return {
    async enqueue(job) {
      if (job.state !== 'pending') throw new GreenmlError('INVALID_INPUT', `A new job must be pending, not ${job.state}.`);
      await store.createJob(job);
    },

    async claim(req: ClaimJobRequest) {
      await recover(req.nowMs);
      if (req.jobId === undefined) return store.claimNextDueJob({ nowMs: req.nowMs, agentId: req.agentId, leaseMs: req.leaseMs, labels: req.labels });
      const job = await store.getJob(req.jobId);
      if (!job || job.state !== 'pending' || job.dueAtMs > req.nowMs) return null;
      const ok = await store.updateJob(
        job.id,
        {
          state: 'running',
          agentId: req.agentId,
          leaseUntilMs: req.nowMs + req.leaseMs,
          attempts: job.attempts + 1,
          startedAt: job.startedAt ?? req.nowMs,
          updatedAt: req.nowMs,
        },
        { expectState: 'pending' },
      );
      return ok ? store.getJob(job.id) : null;
    },

    async hold(jobId: string, agentId: string, u: HoldUpdate) {
      const job = await held(jobId, agentId);
      if (!job) return false;
      return store.updateJob(
        jobId,
        {
          state: u.state,
          leaseUntilMs: u.leaseUntilMs,
          updatedAt: u.nowMs,
          ...(u.dueAtMs !== undefined ? { dueAtMs: Math.round(u.dueAtMs) } : {}),
          ...(u.plan !== undefined ? { plan: u.plan } : {}),
          ...(u.runId !== undefined ? { runId: u.runId } : {}),
        },
        { expectState: job.state },
      );
    },

    async requeue(jobId: string, agentId: string, u: RequeueUpdate) {
      const job = await held(jobId, agentId);
      if (!job) return false;
      return store.updateJob(
        jobId,
        {
          state: 'paused',
          agentId: null,
          leaseUntilMs: null,
          dueAtMs: Math.round(u.dueAtMs),
          updatedAt: u.nowMs,
          ...(u.plan !== undefined ? { plan: u.plan } : {}),
          ...(u.runId !== undefined ? { runId: u.runId } : {}),
        },
        { expectState: job.state },
      );
    },

    async finish(jobId: string, agentId: string, u: FinishUpdate) {
      const record = {
        leaseUntilMs: null,
        endedAt: u.nowMs,
        updatedAt: u.nowMs,
        ...(u.plan !== undefined ? { plan: u.plan } : {}),
        ...(u.runId !== undefined ? { runId: u.runId } : {}),
      };
      const job = await held(jobId, agentId);
      if (job) {
        const ok = await store.updateJob(jobId, { ...record, state: u.state, error: u.error ?? null }, { expectState: job.state });
        if (ok) return u.state;
      }
      // Cancelled while it ran: keep the state, record what was run.
      const now = await store.getJob(jobId);
      if (now?.state === 'cancelled' && now.agentId === agentId) {
        const ok = await store.updateJob(jobId, record, { expectState: 'cancelled' });
        return ok ? 'cancelled' : null;
      }
      return null;
    },

    kind: 'store',

    nextDueAtMs: (labels, nowMs) => upcoming.earliestAfter(labels, nowMs),

    async cancel(jobId: string, nowMs: number): Promise<CancelResult> {
      for (let attempt = 0; attempt < 5; attempt++) {
        const job = await store.getJob(jobId);
        if (!job) throw new GreenmlError('NOT_FOUND', `No job "${jobId}". List jobs with greenml jobs list.`);
        if ((ENDED as readonly string[]).includes(job.state)) {
          throw new GreenmlError('CONFLICT', `Job ${job.id} has already ended (${job.state}); there is nothing to cancel.`, { details: { state: job.state } });
        }
        const running = job.state === 'running' || (job.state === 'paused' && job.agentId !== null);
        const ok = await store.updateJob(
          job.id,
          { state: 'cancelled', updatedAt: nowMs, ...(running ? {} : { endedAt: nowMs, leaseUntilMs: null }) },
          { expectState: job.state },
        );
        if (ok) return { job: (await store.getJob(job.id)) as JobRecord, previous: job.state };
      }
      throw new GreenmlError('CONFLICT', `Job ${jobId} kept changing state while it was being cancelled; try again.`);
    },
  };
}
