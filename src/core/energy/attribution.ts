/**
 * Sharing measured machine energy (a RAPL package, a GPU) with the work greenml wraps. Three
 * published rules plus "machine" (shared/research/measurement.md sections 3, 8 and 10.2):
 *
 * - machine:        the whole measured energy (a dedicated box; CodeCarbon's machine mode).
 * - busy-share:     E x cpuTree / cpuBusy(system): experiment-impact-tracker's rule. Idle power is
 *                   charged to whoever is busy, so the shares of all busy work add up to the machine
 *                   total. greenml's default: on a machine rented or bought for this job, the idle
 *                   floor is part of what the job costs, and it never under-reports.
 * - active-share:   E x (busy/total) x cpuTree / cpuAllProcesses: Kepler (>= 0.10). Idle energy is
 *                   left unattributed.
 * - capacity-share: E x cpuTree / (nCpus x wall): Scaphandre. Idle energy is left unattributed.
 *
 * Every share is clamped to [0, 1]. The numerator (process tree CPU time) and the denominator
 * (/proc/stat) are read at slightly different instants, so a share can come out a little above 1
 * or below 0; unclamped, a process would be charged more energy than the machine used
 * (experiment-impact-tracker issue #38, Scaphandre issue #163).
 */
import { GreenmlError } from '../errors.js';
import { clampUnit, requireNonNegative } from './validate.js';

export const ATTRIBUTION_MODES = ['machine', 'busy-share', 'active-share', 'capacity-share'] as const;
export type AttributionMode = (typeof ATTRIBUTION_MODES)[number];
export const DEFAULT_ATTRIBUTION_MODE: AttributionMode = 'busy-share';

/** Share of a part in a whole, clamped to [0, 1]; an empty whole gives 0 unless the part is busy. */
export function clampShare(part: number, whole: number): number {
  if (!(part > 0)) return 0;
  if (!(whole > 0)) return 1; // work ran while the system counters saw none: sampling skew, charge it all
  return clampUnit(part / whole);
}

/** experiment-impact-tracker: tree CPU seconds over system busy CPU seconds in the same interval. */
export function busyShare(treeCpuS: number, busyCpuS: number): number {
  return clampShare(treeCpuS, busyCpuS);
}

/** Kepler's node active ratio from /proc/stat deltas: (total - idle - iowait) / total. */
export function activeRatio(busyCpuS: number, totalCpuS: number): number {
  return clampShare(busyCpuS, totalCpuS);
}

/** Kepler node split: active = E x ratio, idle = E - active (internal/monitor/node.go, 2025). */
export function splitActiveIdle(energy: number, ratio: number): { active: number; idle: number } {
  const active = energy * clampUnit(ratio);
  return { active, idle: energy - active };
}

/** Kepler workload share: the workload's CPU time over the sum of all processes' CPU time. */
export function workloadShare(workloadCpuS: number, allProcessesCpuS: number): number {
  return clampShare(workloadCpuS, allProcessesCpuS);
}

/** Scaphandre: tree CPU seconds over the machine's capacity (nCpus x wall seconds). */
export function capacityShare(treeCpuS: number, nCpus: number, wallS: number): number {
  return clampShare(treeCpuS, nCpus * wallS);
}

/** CPU times over one interval, all in CPU-seconds (core-seconds). */
export interface CpuAttributionInput {
  /** Energy measured for the whole machine (package) over the interval, any unit (J or kWh). */
  energy: number;
  /** CPU time of the wrapped process tree. */
  treeCpuS: number;
  /** System busy time from /proc/stat (total - idle - iowait): busy-share and active-share. */
  busyCpuS?: number;
  /** System total time from /proc/stat (user+nice+system+idle+iowait+irq+softirq+steal): active-share. */
  totalCpuS?: number;
  /** Sum of all processes' CPU time: active-share (Kepler); defaults to busyCpuS. */
  allProcessesCpuS?: number;
  /** Logical CPUs and wall seconds: capacity-share. */
  nCpus?: number;
  wallS?: number;
}

function need(value: number | undefined, field: string, mode: AttributionMode): number {
  if (value === undefined) {
    throw new GreenmlError('INVALID_INPUT', `Attribution "${mode}" needs ${field}; pass it or choose attribution "machine".`);
  }
  return requireNonNegative(value, field);
}

/** Share (0..1) of the interval's machine energy charged to the process tree. */
export function attributionShare(mode: AttributionMode, input: CpuAttributionInput): number {
  switch (mode) {
    case 'machine':
      return 1;
    case 'busy-share':
      return busyShare(input.treeCpuS, need(input.busyCpuS, 'busyCpuS', mode));
    case 'active-share': {
      const busy = need(input.busyCpuS, 'busyCpuS', mode);
      const ratio = activeRatio(busy, need(input.totalCpuS, 'totalCpuS', mode));
      return ratio * workloadShare(input.treeCpuS, input.allProcessesCpuS ?? busy);
    }
    case 'capacity-share':
      return capacityShare(input.treeCpuS, need(input.nCpus, 'nCpus', mode), need(input.wallS, 'wallS', mode));
  }
}

/** Energy charged to the process tree for one interval, in the unit of input.energy. */
export function attributeCpuEnergy(mode: AttributionMode, input: CpuAttributionInput): number {
  requireNonNegative(input.energy, 'Measured energy');
  return input.energy * attributionShare(mode, input);
}

/** Short label for ComponentEnergy.model. */
export function describeAttribution(mode: AttributionMode): string {
  switch (mode) {
    case 'machine':
      return 'whole machine';
    case 'busy-share':
      return 'busy-share attribution (experiment-impact-tracker)';
    case 'active-share':
      return 'active-share attribution (Kepler)';
    case 'capacity-share':
      return 'capacity-share attribution (Scaphandre)';
  }
}

/**
 * experiment-impact-tracker's per-sample RAPL attribution (experiment_impact_tracker/cpu/intel.py,
 * 2021): cores x cpuShare + dram x memShare + (package - dram - cores) x cpuShare. It treats the
 * uncore remainder of the package like the cores and charges DRAM by the memory (PSS) share.
 */
export function eitAttributedPowerW(input: { packageW: number; coresW: number; dramW: number; cpuShare: number; memShare: number }): number {
  const cpu = clampUnit(input.cpuShare);
  const mem = clampUnit(input.memShare);
  return input.coresW * cpu + input.dramW * mem + (input.packageW - input.dramW - input.coresW) * cpu;
}
