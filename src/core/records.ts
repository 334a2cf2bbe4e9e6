/**
 * The records greenml keeps, shared by the meter (which produces samples), the store (which keeps
 * them), the app verbs, the server and the dashboard. A run's headline figures are plain fields for
 * sorting and totals; its `footprint` holds the full audit trail (methods, models, factors, sources).
 */
import { GreenmlError } from './errors.js';
import type { Factor, Method } from './provenance.js';

export type Component = 'cpu' | 'gpu' | 'memory';

export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'lost', 'stopped-by-guard'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const PRICINGS = ['on-demand', 'spot', 'reserved-1y', 'reserved-3y'] as const;
export type Pricing = (typeof PRICINGS)[number];

/**
 * A pricing model as a user types it: case and spaces ignored, and `reserved` meaning the one-year
 * term (the commitment every provider offers; 3-year must be asked for). Throws INVALID_INPUT naming
 * `source` (a flag, a variable or a config key).
 */
export function parsePricing(text: string, source = '--pricing'): Pricing {
  const t = text.trim().toLowerCase();
  const p = t === 'reserved' ? 'reserved-1y' : t;
  if ((PRICINGS as readonly string[]).includes(p)) return p as Pricing;
  throw new GreenmlError('INVALID_INPUT', `Invalid ${source} "${text}": use ${PRICINGS.join(', ')} (reserved = reserved-1y).`);
}

/** IT energy of one component over a run or an estimate (before PUE), with how it was obtained. */
export interface ComponentEnergy {
  component: Component;
  energyKwh: number;
  method: Method;
  /** The sampler or model, e.g. "RAPL package, busy-share attribution", "CCF linear per vCPU (Cascade Lake)". */
  model: string;
  detail?: string;
}

/** Embodied emissions charged to this work for one piece of hardware (SCI: TE x TiR/EL x RR/ToR). */
export interface EmbodiedShare {
  item: string;
  /** TE: total embodied emissions of the item, grams CO2e. */
  totalG: number;
  /** EL: expected lifetime of the item, seconds. */
  lifetimeS: number;
  /** TiR: time reserved, seconds. */
  usedS: number;
  /** RR/ToR: share of the item's resources reserved, 0..1. */
  reservedShare: number;
  shareG: number;
  source: string;
}

export interface CostBreakdown {
  usd: number;
  basis: Pricing | 'user-price' | 'electricity';
  priceUsdPerHour?: number;
  priceUsdPerKwh?: number;
  source: string;
}

export interface Footprint {
  durationS: number;
  components: ComponentEnergy[];
  /** Sum of component energies (IT equipment), kWh. */
  itEnergyKwh: number;
  pue: Factor;
  /** Facility energy: IT energy x PUE, kWh. */
  energyKwh: number;
  /** Mean grid intensity applied, g/kWh: energy-weighted when time-resolved. */
  intensity: Factor;
  intensityResolution: 'time-resolved' | 'annual-average' | 'user';
  /**
   * The grid zone the time-resolved series was read for (e.g. "GB", "DE"), so the series can be
   * read again; absent when no series was applied, and on runs recorded before it was kept.
   */
  intensityZone?: string;
  operationalG: number;
  embodied: EmbodiedShare[];
  embodiedG: number;
  totalG: number;
  cost: CostBreakdown | null;
  /** Caveats a reader must see, e.g. "no location given: world average intensity used". */
  notes: string[];
}

/** One sampling interval of a run: mean power over the interval and cumulative energy since the start. */
export interface Sample {
  /** End of the interval, epoch ms. */
  t: number;
  dtS: number;
  cpuW: number | null;
  gpuW: number | null;
  memoryW: number | null;
  /** Cumulative IT energy since the run started, joules (before PUE). */
  cpuJ: number;
  gpuJ: number;
  memoryJ: number;
  /** CPU used by the process tree over the interval, in cores (1.0 = one core busy). */
  cpuCores: number | null;
  /** Resident memory of the process tree at the end of the interval. */
  memoryBytes: number | null;
  gpuUtilPct: number | null;
  /** Raw per-device readings (RAPL zones, per-GPU power) kept for audit and re-attribution. */
  detail: Record<string, unknown> | null;
}

/** A value a workload logged through the metrics file ({"key":"loss","value":0.31,"step":120}). */
export interface MetricPoint {
  key: string;
  value: number;
  step: number | null;
  /** Epoch ms when greenml ingested (or the workload stamped) it. */
  t: number;
}

export interface RunLocation {
  /** "provider:region", e.g. "gcp:europe-west4". */
  region?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  /** What the summary prints, e.g. "gcp:europe-west4 (Eemshaven, NL)" or "world average". */
  label: string;
}

export interface RunRecord {
  id: string;
  project: string;
  name: string | null;
  command: string[];
  cwd: string | null;
  host: string;
  /** PID of the greenml wrapper, to tell a live run from a lost one on the same host. */
  pid: number | null;
  status: RunStatus;
  exitCode: number | null;
  /** Signal that ended the child, e.g. "SIGTERM". */
  signal: string | null;
  /** Why the run ended that way when it was not the child's own decision (guard, lost wrapper). */
  statusReason: string | null;
  startedAt: number;
  endedAt: number | null;
  /** Last time the wrapper flushed; a running run whose wrapper is gone is `lost`. */
  heartbeatAt: number;
  location: RunLocation | null;
  instance: string | null;
  durationS: number;
  cpuKwh: number;
  gpuKwh: number;
  memoryKwh: number;
  /** Facility energy (IT x PUE), kWh. */
  energyKwh: number;
  operationalG: number;
  embodiedG: number;
  totalG: number;
  costUsd: number | null;
  intensityGPerKwh: number | null;
  footprint: Footprint | null;
  tags: Record<string, string>;
  params: Record<string, string | number | boolean>;
  /** The scheduled job that started this run, if any. */
  jobId: string | null;
}

export const JOB_STATES = ['pending', 'running', 'paused', 'succeeded', 'failed', 'missed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** What the user asked for when scheduling a job: how long it runs and within which bounds. */
export interface JobSpec {
  /** Expected run time of the workload, seconds. */
  durationS: number;
  earliestStartMs: number;
  deadlineMs: number;
  /** Candidate regions ("provider:region" or zone ids); one entry means "shift in time only". */
  regions: string[];
  /** Whether the workload may be paused and resumed between windows. */
  interruptible: boolean;
  /** Shortest chunk worth starting when interruptible, seconds. */
  minChunkS: number;
  maxPauses: number;
  /** Command that resumes from a checkpoint; the original command is used when absent. */
  resumeCommand?: string[];
  /**
   * What becomes of the job when its agent is lost mid-run: `fail` (the default: a job may have
   * side effects, so running it twice must be asked for) or `retry` on another agent.
   */
  onLost?: 'fail' | 'retry';
}

export interface JobWindow {
  startMs: number;
  endMs: number;
}

/** The scheduler's choice for a job. The store keeps it as an opaque document. */
export interface JobPlan {
  region: string;
  windows: JobWindow[];
  /** Emissions expected in the chosen windows, grams CO2e. */
  expectedG: number;
  /** Emissions had the job started immediately (the counterfactual), grams CO2e. */
  immediateG: number;
  savingG: number;
  /** Citation of the forecast the plan was made with. */
  forecastSource: string;
}

export interface JobRecord {
  id: string;
  project: string;
  name: string | null;
  command: string[];
  cwd: string | null;
  /** Environment variables set for the workload on top of the agent's own. */
  env: Record<string, string>;
  spec: JobSpec;
  plan: JobPlan | null;
  /** Labels an agent must carry (same key, same value) to take this job. */
  labels: Record<string, string>;
  state: JobState;
  /**
   * When the job may next be claimed, epoch ms: the start of its next planned window (the scheduler
   * sets it when planning and when pausing), or spec.earliestStartMs before a plan exists.
   */
  dueAtMs: number;
  runId: string | null;
  agentId: string | null;
  leaseUntilMs: number | null;
  /** How many times an agent has claimed the job. */
  attempts: number;
  error: string | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

/** Totals over a project's runs, for listings. */
export interface ProjectSummary {
  name: string;
  runs: number;
  energyKwh: number;
  totalG: number;
  /** Sum of the runs' known costs; null when no run has a cost. */
  costUsd: number | null;
  /** Start of the latest run, epoch ms; null when the project has no runs. */
  lastRunAt: number | null;
}

/** Sums over the runs a filter selects (the Store's runTotals, the API's /totals). */
export interface RunTotals {
  runs: number;
  byStatus: Record<RunStatus, number>;
  durationS: number;
  cpuKwh: number;
  gpuKwh: number;
  memoryKwh: number;
  energyKwh: number;
  operationalG: number;
  embodiedG: number;
  totalG: number;
  /** Sum of known costs; null when no run in the filter has a cost. */
  costUsd: number | null;
}

export const TOKEN_SCOPES = ['ingest', 'read', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** An API token as stored: only the SHA-256 (hex) of the secret is kept, computed by the caller. */
export interface ApiTokenRecord {
  id: string;
  name: string;
  /** The one project the token may touch; null for all projects. */
  project: string | null;
  scope: TokenScope;
  hash: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}
