/** @module schedule: the scheduler runtime: the job queue port and its local adapter, the agent loop, the executor. */
export { systemClock, sleepUntil, type Clock } from './clock.js';
export type { JobQueue, ClaimJobRequest, HoldUpdate, RequeueUpdate, FinishUpdate, FinalJobState, CancelResult } from './queue.js';
export { localQueue, type LocalQueueOptions } from './local-queue.js';
export { openPgBossQueue, queueNameFor, defaultPgBossSchema, type PgBossQueue, type PgBossQueueOptions } from './pgboss-queue.js';
export { LOST_JOB_POLICIES, DEFAULT_MAX_ATTEMPTS, isLostJobPolicy, lostPolicyOf, recoverLostJob, type LostJobPolicy, type LostJobOptions } from './lost-jobs.js';
export { startOrphanGuard, type OrphanGuard } from './orphan-guard.js';
export {
  createExecutor,
  signalProcessGroup,
  DEFAULT_LEASE_MS,
  DEFAULT_CHECK_EVERY_MS,
  DEFAULT_STOP_GRACE_MS,
  DEFAULT_LATE_GRACE_MS,
  type ExecuteJob,
  type ExecuteResult,
  type ExecuteSignals,
  type ExecutorEvent,
  type ExecutorOptions,
  type MeasureJob,
  type Segment,
  type StopReason,
} from './executor.js';
export { runAgent, type AgentEvent, type AgentOptions, type AgentSummary } from './agent.js';
