/**
 * Memory (DRAM) power when RAPL has no dram zone. The published models disagree tenfold
 * (shared/research/measurement.md key finding 7):
 *
 * - Green Algorithms: 0.3725 W/GB (Lannelongue et al., Adv. Sci. 2021; data/v2.2 referenceValues.csv).
 * - Cloud Carbon Footprint: 0.392 W/GB (0.000392 kWh/GB-h, mean of Crucial 0.375 and Micron 0.4083 W/GB; 2021).
 * - CodeCarbon v2: 3 W per 8 GB = 0.375 W/GB (Crucial guidance, until 2024).
 * - CodeCarbon v3: 5 W per guessed DIMM, minimum 10 W, non-monotonic in capacity (PR #804, 2025).
 * - Measurements are much lower: +64 GB of idle DIMMs drew < 1.5 W at the wall
 *   (Green-Algorithms-calculator issue #14, 2021); PR #38 there reads 1.28 W per 16 GB DIMM channel
 *   from the cited paper, 0.08 W/GB, and the green-algorithms-tool repository's data/latest now lists 0.08.
 *
 * Default: 0.3725 W/GB. Two independent published derivations (GA, CCF) agree within 5 % on it, it
 * is linear and monotonic (unlike the DIMM heuristic), it keeps greenml comparable with Green
 * Algorithms and Cloud Carbon Footprint, and it errs on the high side rather than hiding energy. It
 * is applied to the memory the work holds (the meter passes the process tree's resident memory),
 * not to all installed memory, which is what made CodeCarbon's memory figures balloon on large boxes.
 * The coefficient stays a parameter (--ram-w-per-gb) for users with better numbers.
 */
import { requireNonNegative } from './validate.js';

/** W per GB (decimal gigabytes): Green Algorithms, data/v2.2/referenceValues.csv (2021-2022). */
export const DEFAULT_MEMORY_W_PER_GB = 0.3725;
/** W per GB: Cloud Carbon Footprint MEMORY_COEFFICIENT 0.000392 kWh/GB-h (packages/core, 2021). */
export const CCF_MEMORY_W_PER_GB = 0.392;
/** W per GB: 1.28 W per 16 GB DIMM channel, Green-Algorithms-calculator PR #38 (2024), from ACM e-Energy 2017 (doi 10.1145/3076113.3076117). */
export const LOW_MEMORY_W_PER_GB = 0.08;

/** Decimal gigabytes (1e9 bytes), the unit the W/GB coefficients are quoted in. */
export const BYTES_PER_GB = 1e9;
export const gbFromBytes = (bytes: number): number => bytes / BYTES_PER_GB;

export function memoryPowerW(memoryGb: number, wPerGb = DEFAULT_MEMORY_W_PER_GB): number {
  requireNonNegative(memoryGb, 'Memory (GB)');
  requireNonNegative(wPerGb, 'Memory power coefficient (W/GB)', 'Typical values are 0.08 to 0.4 W/GB.');
  return memoryGb * wPerGb;
}

/** CodeCarbon v3 DIMM-count guess from total memory (codecarbon/external/ram.py _estimate_dimm_count, 2025). */
export function codecarbonDimmCount(totalGb: number): number {
  requireNonNegative(totalGb, 'Memory (GB)');
  if (totalGb <= 2) return 1;
  if (totalGb <= 16) return 2;
  if (totalGb <= 64) return 4;
  if (totalGb <= 128) return 8;
  for (const dimmGb of [128, 64, 32, 16, 8, 4]) {
    if (dimmGb <= totalGb / 8) return Math.min(Math.ceil(totalGb / dimmGb), 32);
  }
  return 8;
}

/**
 * CodeCarbon v3 RAM power (codecarbon/external/ram.py _calculate_ram_power, 2025): 5 W per DIMM on
 * x86 (1.5 W on ARM), DIMMs 5-8 at 90 %, 9-16 at 80 %, 17+ at 70 %, at least two DIMMs' worth
 * (10 W x86, 3 W ARM). Because the DIMM count is guessed from capacity it is non-monotonic:
 * 503.7 GB -> 16 DIMMs -> 70 W but 1024 GB -> 8 DIMMs -> 38 W. Kept to compare with CodeCarbon.
 */
export function codecarbonRamPowerW(totalGb: number, arch: 'x86' | 'arm' = 'x86'): number {
  const n = codecarbonDimmCount(totalGb);
  const perDimm = arch === 'arm' ? 1.5 : 5;
  const minW = arch === 'arm' ? 3 : perDimm * 2;
  const tiers: [upTo: number, weight: number][] = [[4, 1], [8, 0.9], [16, 0.8], [Infinity, 0.7]];
  let w = 0;
  let counted = 0;
  for (const [upTo, weight] of tiers) {
    const inTier = Math.max(0, Math.min(n, upTo) - counted);
    w += inTier * perDimm * weight;
    counted += inTier;
  }
  return Math.max(minW, w);
}
