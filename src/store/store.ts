/**
 * The Store port: everything greenml keeps, behind one coarse-grained, serialisable interface.
 * Plain records go in and come out (src/core/records.ts), so the same contract holds for the
 * embedded SQLite adapter, the PostgreSQL adapter and a remote greenml server (http adapter).
 * Every adapter must pass `describeStore` in store.contract.ts.
 */
import type {
  ApiTokenRecord,
  Budget,
  BudgetAlert,
  BudgetNotification,
  BudgetUnit,
  BudgetWebhook,
  IntensitySeries,
  JobRecord,
  JobState,
  MetricPoint,
  ProjectSummary,
  RunRecord,
  RunStatus,
  RunTotals,
  Sample,
} from '../core/index.js';

export type StoreKind = 'sqlite' | 'postgres' | 'http';

export const RUN_SORTS = ['startedAt', 'energyKwh', 'totalG', 'costUsd', 'durationS'] as const;
export type RunSort = (typeof RUN_SORTS)[number];
export type SortOrder = 'asc' | 'desc';

/** The largest page listRuns and listJobs return. */
export const MAX_PAGE = 1000;

export interface RunFilter {
  project?: string;
  status?: RunStatus | RunStatus[];
  /** Runs started at or after this time, epoch ms. */
  since?: number;
  /** Runs started before this time, epoch ms. */
  until?: number;
  /** Whitespace-separated terms, each matched case-insensitively in name, command or tags (key=value). */
  search?: string;
}

export interface RunQuery extends RunFilter {
  /** Default startedAt. Runs without a cost sort below every cost. */
  sort?: RunSort;
  /** Default desc. Ties are broken by id in the same direction. */
  order?: SortOrder;
  /** Default 50, at most 1000. */
  limit?: number;
  /** The `nextCursor` of the previous page (same sort and order). */
  cursor?: string | null;
}

export interface RunPage {
  runs: RunRecord[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Moved to core (records.ts) so the dashboard can share it; kept here for the port's users. */
export type { RunTotals };

export interface SampleQuery {
  /** Samples with t >= fromT. */
  fromT?: number;
  /** The first `limit` samples (after fromT). */
  limit?: number;
  /** At most this many samples, evenly spaced over the selection, first and last kept (for charts). */
  maxPoints?: number;
}

export interface MetricQuery {
  key?: string;
}

/** A run with everything measured under it, as moved between stores. */
export interface RunBundle {
  format: 'greenml.run-bundle';
  version: 1;
  run: RunRecord;
  samples: Sample[];
  metrics: MetricPoint[];
}

export interface JobQuery {
  state?: JobState | JobState[];
  project?: string;
  /** Default 100, at most 1000. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
}

/** Jobs newest first (createdAt, then id, descending). */
export interface JobPage {
  jobs: JobRecord[];
  nextCursor: string | null;
}

export type JobPatch = Partial<Omit<JobRecord, 'id'>>;

export interface UpdateJobOptions {
  /** Compare-and-set: apply the patch only when the job is in (one of) these states. */
  expectState?: JobState | JobState[];
}

export interface ClaimRequest {
  nowMs: number;
  agentId: string;
  /** The claim holds until nowMs + leaseMs unless renewed. */
  leaseMs: number;
  /**
   * The agent's labels. A job is taken only when each of its labels is among these (same value).
   * Absent: no label filter, any job may be taken.
   */
  labels?: Record<string, string>;
}

export interface IntensityQuery {
  fromMs: number;
  toMs: number;
  kind?: IntensitySeries['kind'];
  source?: string;
}

export type RunPatch = Partial<Omit<RunRecord, 'id'>>;

export interface MigrationReport {
  /** Names of the migrations applied by this call, in order (empty when up to date). */
  applied: string[];
}

// budgets and alerts (docs/budgets.md, section 6)

/** A budget as stored: a spec validateBudgetSpec accepts (kept normalised), its id and times. */
export interface BudgetRecord extends Budget {
  createdAt: number;
  updatedAt: number;
}

export type BudgetStatus = 'ok' | 'alarm';

/**
 * A budget's evaluation in one period ("2026-03", "2026-W07", "run:<id>"): the state evaluateBudget
 * needs next time (periodKey, alarms) and the figures it saw. One per (budget, period): a new period
 * starts without one, which re-arms every notification; past periods' records are the history.
 */
export interface BudgetStateRecord {
  budgetId: string;
  periodKey: string;
  /** Notification keys in ALARM (BudgetEvalState.alarms). */
  alarms: string[];
  status: BudgetStatus;
  /** Amount so far in the period, in the budget's unit. */
  actual: number;
  forecast: number | null;
  /** Period bounds, epoch ms; null for per-run budgets. */
  startMs: number | null;
  endMs: number | null;
  evaluatedAt: number;
  /** Compare-and-set token: 1 on the first write for the period, one more on each later write. */
  version: number;
}

export type BudgetStateInput = Omit<BudgetStateRecord, 'version'>;

export interface PutBudgetStateOptions {
  /** The version that was read; null when the period had no state yet. */
  expectVersion: number | null;
  /** Alerts recorded in the same transaction as the state: both are written, or neither. */
  alerts?: BudgetAlertRecord[];
}

export const ALERT_DELIVERY_STATES = ['none', 'pending', 'sending', 'delivered', 'failed'] as const;
/** none: nothing to send (no webhook, or an 'ok' event); pending -> sending (claimed) -> delivered | failed. */
export type AlertDeliveryState = (typeof ALERT_DELIVERY_STATES)[number];

export interface AlertDeliveryAttempt {
  atMs: number;
  /** HTTP status; null when no response came. */
  status: number | null;
  error: string | null;
  /** Wait before this attempt, ms. */
  waitedMs: number;
}

/** One webhook's delivery of one alert (the shape of app/alerts.ts DeliveryRecord). */
export interface AlertDelivery {
  url: string;
  format: BudgetWebhook['format'];
  dedupeKey: string;
  delivered: boolean;
  attempts: AlertDeliveryAttempt[];
  status: number | null;
  error: string | null;
}

export const ALERT_EVENTS = ['alarm', 'ok'] as const;

/** One notification changing state, as kept in a budget's history. */
export interface BudgetAlertRecord {
  id: string;
  budgetId: string;
  budgetName: string;
  atMs: number;
  periodKey: string;
  /** alarm: OK -> ALARM, a crossing, sent to the webhooks; ok: ALARM -> OK in the same period, recorded only. */
  event: (typeof ALERT_EVENTS)[number];
  notificationKey: string;
  notification: BudgetNotification;
  /** The amount compared (actual, or forecast); null when no forecast was available. */
  amount: number | null;
  thresholdAmount: number;
  limit: { amount: number; unit: BudgetUnit };
  /** The budget's state before this evaluation (null: first in the period) and after it. */
  budgetState: { from: BudgetStatus | null; to: BudgetStatus };
  /** What the webhooks receive; null for 'ok' events. */
  alert: BudgetAlert | null;
  deliveryState: AlertDeliveryState;
  /** While sending: the sender's claim holds until then; past it, another sender may take the alert over. */
  claimUntilMs: number | null;
  /** One per webhook of the budget when the alert was recorded. */
  deliveries: AlertDelivery[];
}

export interface AlertQuery {
  budgetId?: string;
  deliveryState?: AlertDeliveryState | AlertDeliveryState[];
  /** Default 50, at most 1000. Newest first (atMs, then id, descending). */
  limit?: number;
}

export interface AlertClaim {
  nowMs: number;
  /** The claim holds until nowMs + claimMs. */
  claimMs: number;
}

export interface AlertOutcome {
  deliveryState: 'delivered' | 'failed';
  deliveries: AlertDelivery[];
}

export interface Store {
  readonly kind: StoreKind;
  /** Where the store lives, for messages (passwords removed). */
  readonly location: string;

  /** Brings the schema up to date; openStore already did, so this is a no-op unless something changed. */
  migrate(): Promise<MigrationReport>;
  close(): Promise<void>;

  // projects
  ensureProject(name: string): Promise<void>;
  /** Every project (named by ensureProject or by a run or job), by name, with totals over its runs. */
  listProjects(): Promise<ProjectSummary[]>;

  // runs
  /** CONFLICT when the id exists. Creates the project when needed. */
  createRun(run: RunRecord): Promise<void>;
  /** Replaces the given fields (JSON fields whole) and returns the result; NOT_FOUND when absent. */
  updateRun(id: string, patch: RunPatch): Promise<RunRecord>;
  /**
   * By id, or by a unique prefix of at least 6 characters; null when nothing matches.
   * INVALID_INPUT for a shorter prefix or an ambiguous one (the message lists the matches).
   */
  getRun(idOrPrefix: string): Promise<RunRecord | null>;
  listRuns(query?: RunQuery): Promise<RunPage>;
  /** Removes the run with its samples and metrics; false when there was no such run. */
  deleteRun(id: string): Promise<boolean>;
  countRuns(filter?: RunFilter): Promise<number>;
  runTotals(filter?: RunFilter): Promise<RunTotals>;

  // samples, metrics, params
  /**
   * All or nothing, in one transaction; a sample whose t is already stored is skipped, so a
   * retried batch never duplicates. INVALID_INPUT (naming index and field) writes nothing.
   * Returns how many samples were new.
   */
  appendSamples(runId: string, samples: Sample[]): Promise<number>;
  /** Ordered by t. */
  listSamples(runId: string, query?: SampleQuery): Promise<Sample[]>;
  /** Idempotent on (runId, key, step, t); returns how many points were new. */
  appendMetrics(runId: string, points: MetricPoint[]): Promise<number>;
  /** Ordered by key, t, step. */
  listMetrics(runId: string, query?: MetricQuery): Promise<MetricPoint[]>;
  /** Merges into run.params and returns the merged params. */
  setParams(runId: string, params: RunRecord['params']): Promise<RunRecord['params']>;

  // bundles
  /** NOT_FOUND when the run does not exist. */
  exportRunBundle(idOrPrefix: string): Promise<RunBundle>;
  /** Upserts the run, its samples and metrics under the same ids; running it twice changes nothing. */
  importRunBundle(bundle: RunBundle): Promise<void>;

  // jobs
  /** CONFLICT when the id exists. */
  createJob(job: JobRecord): Promise<void>;
  /** Upserts a job as given (same id), for copies between stores. */
  importJob(job: JobRecord): Promise<void>;
  getJob(idOrPrefix: string): Promise<JobRecord | null>;
  listJobs(query?: JobQuery): Promise<JobPage>;
  /**
   * Applies the patch and returns true; with expectState, only when the job is in that state
   * (otherwise false, nothing changed). NOT_FOUND when the job does not exist. updatedAt is set to
   * patch.updatedAt when given, else to the current time.
   */
  updateJob(id: string, patch: JobPatch, options?: UpdateJobOptions): Promise<boolean>;
  /**
   * Atomically takes the pending job with the earliest dueAtMs <= nowMs whose labels match:
   * state -> running, agentId, leaseUntilMs = nowMs + leaseMs, attempts + 1, startedAt (first
   * claim), updatedAt = nowMs. Null when none is due. Each job is handed to exactly one claimer.
   */
  claimNextDueJob(request: ClaimRequest): Promise<JobRecord | null>;
  /** Extends the lease of a running job held by agentId; false when the agent no longer holds it. */
  renewLease(id: string, agentId: string, leaseUntilMs: number): Promise<boolean>;

  // grid-intensity cache
  /** Upserts every point by (zone, source, kind, t). */
  putIntensity(series: IntensitySeries): Promise<void>;
  /**
   * Points overlapping [fromMs, toMs), ordered by t. Without kind/source, the (kind, source) with
   * the most points in the interval is chosen (ties: actual, forecast, static; then source name).
   */
  getIntensity(zone: string, query: IntensityQuery): Promise<IntensitySeries | null>;

  // API tokens
  /** CONFLICT when the id or hash exists. */
  createToken(token: ApiTokenRecord): Promise<void>;
  /** Upserts a token as given (same id), for copies between stores. */
  importToken(token: ApiTokenRecord): Promise<void>;
  /** The token with this hash, revoked or not (the caller checks revokedAt). */
  findTokenByHash(hash: string): Promise<ApiTokenRecord | null>;
  /** Oldest first. */
  listTokens(): Promise<ApiTokenRecord[]>;
  /** Sets revokedAt (to nowMs, default the current time); false when absent or already revoked. */
  revokeToken(id: string, nowMs?: number): Promise<boolean>;
  touchToken(id: string, nowMs: number): Promise<void>;

  // budgets and alerts
  /**
   * Creates the budget, or replaces the one with this id (createdAt kept as given). The spec is
   * checked with validateBudgetSpec and kept normalised; INVALID_INPUT writes nothing. CONFLICT when
   * another budget has the name.
   */
  putBudget(budget: BudgetRecord): Promise<void>;
  /** By id, else by exact name; null when neither matches. */
  getBudget(idOrName: string): Promise<BudgetRecord | null>;
  /** Every budget, by name. */
  listBudgets(): Promise<BudgetRecord[]>;
  /** Removes the budget with its states and alerts; false when there was no such budget. */
  deleteBudget(id: string): Promise<boolean>;
  getBudgetState(budgetId: string, periodKey: string): Promise<BudgetStateRecord | null>;
  /** The budget's states, latest evaluation first (default 50, at most 1000). */
  listBudgetStates(budgetId: string, options?: { limit?: number }): Promise<BudgetStateRecord[]>;
  /**
   * Compare-and-set: writes the state (version = expectVersion + 1, or 1) and its alerts only when
   * the stored version is expectVersion (null: no state for the period yet). Returns the stored
   * state, or null when another evaluator got there first (nothing written). NOT_FOUND for an
   * unknown budget.
   */
  putBudgetState(state: BudgetStateInput, options: PutBudgetStateOptions): Promise<BudgetStateRecord | null>;
  /** Idempotent on id: returns false (and changes nothing) when the alert exists. NOT_FOUND for an unknown budget. */
  appendAlert(alert: BudgetAlertRecord): Promise<boolean>;
  listAlerts(query?: AlertQuery): Promise<BudgetAlertRecord[]>;
  /**
   * Atomically takes an alert for delivery: one that is pending, or sending under a claim that ran
   * out before nowMs, becomes sending until nowMs + claimMs. Null when it cannot be taken: each
   * alert is handed to one sender at a time.
   */
  claimAlert(id: string, claim: AlertClaim): Promise<BudgetAlertRecord | null>;
  /** Records a delivery's outcome on an alert being sent; false when it is not in sending. */
  finishAlert(id: string, outcome: AlertOutcome): Promise<boolean>;
}
