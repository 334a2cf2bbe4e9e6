/**
 * What createServer needs. Adapters arrive ready-made (the CLI builds them), so tests pass real
 * ones (a temporary SQLite store, a file intensity source) and the server never constructs any.
 */
import type { PlanRequest, RunSource } from '../app/index.js';
import type { JobRecord, PlanResult } from '../core/index.js';
import type { IntensitySource } from '../intensity/index.js';
import type { Store } from '../store/index.js';

export interface ServerLimits {
  /** Largest request body, bytes. */
  bodyBytes: number;
  /** Most samples in one POST /runs/{id}/samples. */
  samplesPerBatch: number;
  /** Most metric points in one POST /runs/{id}/metrics. */
  metricsPerBatch: number;
}

/** greenml's own choice (2025): 1 MiB holds ~5,000 samples with RAPL detail; batches of a meter flush are far smaller. */
export const DEFAULT_LIMITS: ServerLimits = { bodyBytes: 1024 * 1024, samplesPerBatch: 10_000, metricsPerBatch: 10_000 };

/** What POST /api/v1/schedule takes: a command with its time bounds (see docs/api.md). */
export interface ScheduleInput {
  project: string;
  name: string | null;
  command: string[];
  cwd: string | null;
  env: Record<string, string>;
  labels: Record<string, string>;
  durationS: number;
  earliestStartMs: number;
  deadlineMs: number;
  regions: string[];
  interruptible: boolean;
  /** Interruptible jobs only; absent: the scheduler's default. */
  minChunkS?: number;
  /** Interruptible jobs only; absent: the scheduler's default. */
  maxPauses?: number;
  resumeCommand?: string[];
  onLost?: 'fail' | 'retry';
  /** The job's energy, kWh (facility); absent: the plan's figures are per kWh. */
  energyKwh?: number;
  /** Shift only for at least this predicted saving, 0..1; absent: the scheduler's default. */
  minSavingRatio?: number;
}

/**
 * Plans the job, stores it (store.createJob) and returns the stored record. The integrator's
 * schedule verb; the server only validates the input and checks the caller may write the project.
 */
export type ScheduleFn = (input: ScheduleInput, ctx: { store: Store; nowMs: number }) => Promise<JobRecord>;

/** Ranks options for a workload; `runs` reads measured runs the caller may see. */
export type PlanFn = (request: PlanRequest, ctx: { runs: RunSource }) => Promise<PlanResult>;

export interface ServerDeps {
  store: Store;
  /** The intensity source that answers for a zone; throws UNKNOWN_ID for a zone none knows. */
  intensity: (zone: string) => IntensitySource;
  /** Default: app's planWorkload over the bundled catalog. */
  plan?: PlanFn;
  /** Absent: POST /api/v1/schedule answers 404 (no scheduler configured). */
  schedule?: ScheduleFn;
  /** Epoch ms; default Date.now. */
  clock?: () => number;
  /** Whether every request needs a token (any bind address other than loopback). Default false. */
  auth?: { required: boolean };
  limits?: Partial<ServerLimits>;
  version: string;
  /** The built dashboard (dist/web), served at / when given and present. */
  webRoot?: string | null;
  /** Diagnostics (server errors); the CLI writes them to stderr. */
  log?: (line: string) => void;
}
