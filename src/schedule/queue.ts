/**
 * The job queue port: who takes which job when. The jobs themselves (spec, plan, state, runs) live
 * in the Store, which stays the record users see and the judge of every transition (each is a
 * compare-and-set on the job's state); a queue hands due jobs to agents and takes them back. The
 * embedded adapter (local-queue.ts) works on the Store's own job table; the team adapter
 * (pgboss-queue.ts) dispatches through pg-boss 10 on the same PostgreSQL: enqueue -> send (one
 * pg-boss queue per label set, startAfter = dueAtMs, an id derived from the job's generation so
 * every agent's send of it is the same message), claim -> fetch from the queues the agent's labels
 * cover, then the Store's compare-and-set (the message is completed either way), hold and finish
 * -> the Store's lease and state (pg-boss 10 has no heartbeat), requeue -> a new message at the
 * next window, cancel -> the Store.
 */
import type { JobPlan, JobRecord, JobState } from '../core/index.js';

export interface ClaimJobRequest {
  nowMs: number;
  agentId: string;
  /** The claim holds until nowMs + leaseMs unless the agent holds it longer (hold). */
  leaseMs: number;
  /** The agent's labels: a job is taken only when the agent carries each of its labels. */
  labels: Record<string, string>;
  /** Take this one job only, when it is pending and due (a foreground `schedule --wait`). */
  jobId?: string;
}

/** What an agent writes while it holds a job: running, or stopped in place (SIGSTOP) until dueAtMs. */
export interface HoldUpdate {
  nowMs: number;
  leaseUntilMs: number;
  state: 'running' | 'paused';
  /** When a paused job runs again. */
  dueAtMs?: number;
  plan?: JobPlan;
  runId?: string;
}

export interface RequeueUpdate {
  nowMs: number;
  /** When the job may be claimed again (by any agent): the start of its next window. */
  dueAtMs: number;
  plan?: JobPlan;
  runId?: string | null;
}

export type FinalJobState = 'succeeded' | 'failed' | 'missed';

export interface FinishUpdate {
  nowMs: number;
  state: FinalJobState;
  error?: string | null;
  plan?: JobPlan;
  runId?: string | null;
}

export interface CancelResult {
  job: JobRecord;
  /** The state the job was in: a running or held-paused job is stopped by its agent at its next check. */
  previous: JobState;
}

export interface JobQueue {
  /** Stores a new (pending) job and makes it claimable from job.dueAtMs. */
  enqueue(job: JobRecord): Promise<void>;
  /** Takes the due job with the earliest dueAtMs the agent may run; null when none is due. */
  claim(request: ClaimJobRequest): Promise<JobRecord | null>;
  /** Renews the agent's hold on a job it runs; false when it is no longer the agent's (cancelled, lease lost). */
  hold(jobId: string, agentId: string, update: HoldUpdate): Promise<boolean>;
  /** Hands a paused job back: any agent may claim it again at dueAtMs. */
  requeue(jobId: string, agentId: string, update: RequeueUpdate): Promise<boolean>;
  /**
   * The job is over. Returns the state it ends in: the one given, or `cancelled` when it was
   * cancelled while it ran (the run and plan are recorded all the same); null when the agent no
   * longer held it.
   */
  finish(jobId: string, agentId: string, update: FinishUpdate): Promise<JobState | null>;
  /** Cancels a job that has not ended. NOT_FOUND for an unknown job, CONFLICT for an ended one. */
  cancel(jobId: string, nowMs: number): Promise<CancelResult>;
  /**
   * The earliest dueAtMs after nowMs of a job an agent with these labels may take, as the queue
   * last saw its jobs (its latest claim); null when none, or when the queue cannot tell. An idle
   * agent sleeps until then rather than a whole poll period, so a job starts on time.
   */
  nextDueAtMs?(labels: Record<string, string>, nowMs: number): number | null;
  /** What dispatches the jobs, for messages: "store" (the embedded queue) or "pg-boss". */
  readonly kind?: string;
  /** Releases what the queue holds of its own (connections); the Store is the caller's to close. */
  close?(): Promise<void>;
}
