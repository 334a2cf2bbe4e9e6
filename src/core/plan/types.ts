/**
 * The planner's own input and output types. core may not import the catalog, so the app maps
 * catalog records into `PlanOffer`s (one per instance type x region x pricing with a price) and
 * hands them in; everything an option's figures depend on travels inside its offer, with sources.
 */
import type { Factor } from '../provenance.js';
import type { Pricing } from '../records.js';

/** Number formats a throughput figure can be quoted in. `int8` figures are TOPS. */
export const PRECISIONS = ['fp32', 'tf32', 'fp16', 'bf16', 'fp8', 'int8'] as const;
export type Precision = (typeof PRECISIONS)[number];

export const GOALS = ['carbon', 'cost', 'time', 'balanced'] as const;
export type Goal = (typeof GOALS)[number];

/** The accelerators of one instance type. */
export interface PlanAccelerator {
  /** Catalog id, e.g. "nvidia-h100-sxm5-80gb". */
  id: string;
  name: string;
  /** Boards per instance. */
  count: number;
  /** Board power at full load, W. */
  tdpW: number;
  /** Board power at 0 % utilisation, W. */
  idleW: number;
  /** Peak dense (no structured sparsity) throughput per board, TFLOPS (TOPS for int8). */
  denseTflops: Readonly<Partial<Record<Precision, number>>>;
  /** Memory per board, GB. */
  memoryGb: number;
  /** Memory bandwidth per board, GB/s. */
  memoryBwGbps: number;
  source: string;
}

export type PlanEmbodied =
  /** Already divided by lifetime and share: g CO2e per instance-hour. */
  | { kind: 'per-hour'; gPerHour: number; source: string }
  /** SCI M = TE x (TiR / EL) x (RR / ToR): platform total, lifespan, share of the platform this instance reserves. */
  | { kind: 'platform'; platformG: number; lifespanH: number; reservedShare: number; source: string };

/** One instance type in one region at one pricing, with everything needed to evaluate it. */
export interface PlanOffer {
  provider: string;
  instanceType: string;
  /** Provider's region id without the provider prefix, e.g. "us-east-1". */
  region: string;
  pricing: Pricing;
  priceUsdPerHour: number;
  priceSource: string;
  /** ISO date the price was observed (list prices go stale). */
  priceObservedAt?: string;
  accelerator: PlanAccelerator | null;
  vcpus: number;
  /** Host memory, GB. */
  memoryGb: number;
  /** CCF per-vCPU linear model for the host CPU: W at idle and at 100 % per vCPU. */
  cpu: { minWPerVcpu: number; maxWPerVcpu: number; architecture: string; source: string };
  /** Grid carbon intensity of the region, gCO2e/kWh, with source and data year. */
  intensity: Factor;
  pue: Factor;
  embodied: PlanEmbodied;
  /** Provider-specific spot interruption information, when the catalog has it. */
  interruption?: string;
  /** Smallest billed duration, s (60 for AWS EC2 Linux and Compute Engine). */
  billingMinimumS?: number;
  /** Caveats about this offer's figures, copied to its option's notes. */
  notes?: readonly string[];
}

/** A statement the plan rests on, with its source: printed under the table and in --json. */
export interface PlanAssumption {
  id: string;
  text: string;
  value?: number;
  unit?: string;
  source: string;
  year?: number;
}

/**
 * Work that needs accelerators. `work` is in the units of the rate it is bound by: TFLOP of
 * counted compute (compute-bound) or GB of memory traffic (memory-bound); time on an instance is
 * work / (boards x peak rate x efficiency).
 */
export interface AcceleratorWorkload {
  kind: 'accelerator';
  label: string;
  bound: 'compute' | 'memory';
  precision: Precision;
  work: number;
  /** Share of peak achieved, 0..1: MFU (compute-bound) or bandwidth utilisation; 1 for peak-equivalent work. */
  efficiency: number;
  /** Board power between idle (0) and TDP (1). */
  powerUtilization: number;
  /** Accelerator memory the instance must hold in total, GB (model states); 0 for no requirement. */
  minTotalMemoryGb: number;
  /** Host CPU utilisation for the CCF model, 0..1. */
  cpuUtilization: number;
  assumptions: PlanAssumption[];
}

/** CPU-only work, scaled across instances by vCPU-hours. */
export interface CpuWorkload {
  kind: 'cpu';
  label: string;
  vcpuHours: number;
  cpuUtilization: number;
  /** vCPUs the work can keep busy at once (a single-threaded job: 1); null = any number. */
  maxParallelism: number | null;
  assumptions: PlanAssumption[];
}

export type PlanWorkload = AcceleratorWorkload | CpuWorkload;

export interface PlanConstraints {
  providers?: readonly string[];
  /** Region ids, with or without the provider prefix ("us-east-1" or "aws:us-east-1"). */
  regions?: readonly string[];
  pricing?: readonly Pricing[];
  /** Accelerator boards per instance, inclusive bounds (e.g. { min: 1, max: 1 } for single-GPU instances). */
  acceleratorCount?: { min?: number; max?: number };
  /** Memory per accelerator board, GB. */
  minGpuMemoryGb?: number;
  deadlineS?: number;
  budgetUsd?: number;
}

/** The user's current choice, the baseline of every recommendation sentence. */
export interface PlanChoice {
  instanceType: string;
  /** With or without provider prefix. */
  region: string;
  pricing: Pricing;
}

export interface PlanSettings {
  optimize: Goal;
  current?: PlanChoice;
  /** Where the current choice came from, for the stated rule (default "your current choice (--current)"). */
  currentRule?: string;
  /** Extra running time on spot for checkpoints, lost work and restarts, as a fraction (0.1 = +10 %). */
  spotOverhead: number;
  /** Identical instances the work is spread over (linear scaling assumed). */
  nodes: number;
  /** Region of the default current choice when none is given, "provider:region". */
  defaultRegion: string;
  /** For the default current choice, prefer instances with this accelerator (e.g. the --on one). */
  preferAcceleratorId?: string;
}

/** The figures of one option; `offer` is the input object, not a copy. */
export interface PlanOption {
  /** "<instance>@<provider>:<region>:<pricing>", usable as --current. */
  id: string;
  offer: PlanOffer;
  durationS: number;
  /** IT power of all nodes, W (before PUE). */
  itPowerW: number;
  /** Facility energy (IT x PUE), kWh. */
  energyKwh: number;
  operationalG: number;
  embodiedG: number;
  totalG: number;
  costUsd: number;
  pareto: boolean;
  notes: readonly string[];
}

export const CONSTRAINT_STAGES = ['providers', 'regions', 'pricing', 'hardware', 'accelerator-count', 'min-gpu-memory', 'model-memory', 'deadline', 'budget'] as const;
export type ConstraintStage = (typeof CONSTRAINT_STAGES)[number];

export interface Recommendation {
  goal: Goal;
  option: PlanOption;
  /** option / current, per metric. */
  ratios: { costUsd: number; totalG: number; durationS: number };
  sentence: string;
}

export interface PlanCurrent {
  option: PlanOption;
  /** How it was chosen: the user's --current, or the default rule (stated). */
  basis: 'given' | 'default';
  rule: string;
  /** The constraint that excludes the current choice, if any (it is still the baseline). */
  excludedBy: ConstraintStage | null;
}

export interface PlanResult {
  workload: { kind: PlanWorkload['kind']; label: string };
  optimize: Goal;
  /** Offers evaluated: every instance x region x pricing given. */
  evaluated: number;
  /** How many options were left after each constraint, in the order applied. */
  remaining: { stage: ConstraintStage; count: number }[];
  /** Feasible options, best first for `optimize`. */
  options: PlanOption[];
  paretoIds: string[];
  current: PlanCurrent;
  /** One per goal; `optimize` first. */
  recommendations: Recommendation[];
  assumptions: PlanAssumption[];
}
