/**
 * What a schedule search takes and what it returns. A plan is a plain, JSON-serialisable object so
 * a job can store it as it is and a report can show it later without recomputing.
 */

export interface WindowSpec {
  /** How long the job runs, seconds. */
  durationS: number;
  /** The job may not start before this (usually "now"), epoch ms UTC. */
  earliestStartMs: number;
  /** The job must have finished by this, epoch ms UTC. */
  deadlineMs: number;
  /**
   * The start the saving is measured against: what would have happened without shifting.
   * Defaults to earliestStartMs ("start now"); a nightly job compares against its usual hour.
   */
  nominalStartMs?: number;
  /**
   * Energy the job uses, kWh, spread evenly over its run time. Defaults to 1 kWh, so the emission
   * figures of a plan are then per kWh.
   */
  energyKwh?: number;
}

export interface InterruptibleSpec extends WindowSpec {
  /** Shortest piece of work worth resuming for (checkpoint + restart cost), seconds. 0: no minimum. */
  minChunkS: number;
  /** Most pauses allowed (a plan with n chunks has n - 1 pauses). */
  maxPauses: number;
}

export interface PlanChunk {
  startMs: number;
  endMs: number;
  meanIntensityGPerKwh: number;
}

export interface PlanBaseline {
  /** Where the unshifted job runs (bestRegionWindow: the first region given). */
  region?: string;
  startMs: number;
  endMs: number;
  meanIntensityGPerKwh: number;
  co2eG: number;
}

export interface SchedulePlan {
  strategy: 'contiguous' | 'interruptible';
  /** Set by bestRegionWindow. */
  region?: string;
  /** Start of the first chunk and end of the last, epoch ms UTC. */
  startMs: number;
  endMs: number;
  /** Run time, seconds (the sum of the chunks; equals the requested duration). */
  durationS: number;
  chunks: PlanChunk[];
  pauses: number;
  /** Time-weighted mean intensity over the chunks, g/kWh: the expected intensity of the plan. */
  meanIntensityGPerKwh: number;
  energyKwh: number;
  /** Expected emissions of the plan, g CO2e (energyKwh x meanIntensityGPerKwh). */
  co2eG: number;
  /** Starting at the nominal start (default: the earliest start, "now") without shifting. */
  baseline: PlanBaseline;
  savedCo2eG: number;
  savedGPerKwh: number;
  /** savedCo2eG / baseline.co2eG, 0..1 (0 when the baseline emits nothing). */
  savingRatio: number;
  /** Last instant the search could use: the deadline, or where the series ends if sooner. */
  searchedUntilMs: number;
}
