/**
 * RAPL energy counters (/sys/class/powercap/intel-rapl:N/energy_uj) count microjoules and wrap at
 * max_energy_range_uj. The wrap is frequent on AMD EPYC (65,532,610,987 uJ: about 4 minutes at
 * 280 W) and slower on Intel (262,143,328,850 uJ: about 29 minutes at 150 W), so every delta must
 * be wrap-aware (shared/research/measurement.md, key finding 3).
 */
import { requireNonNegative, requirePositive } from './validate.js';

export interface RaplDelta {
  deltaUj: number;
  /** The counter went down between the two reads. */
  wrapped: boolean;
  /**
   * False when the counter went down and the wrap point was unknown (or inconsistent with the
   * previous read): deltaUj is then a lower bound (the energy counted since the counter restarted).
   */
  exact: boolean;
}

/**
 * Wrap-aware delta between two reads. Kepler's formula (internal/monitor/node.go
 * calculateEnergyDelta, 2025): cur >= prev ? cur - prev : (max - prev) + cur. Kepler returns 0 when
 * the maximum is unknown; we return `cur` instead, the energy counted since the counter passed
 * zero, which is exact for a counter reset and the smallest possible value for a wrap, because
 * dropping the interval (Kepler, Scaphandre) or reporting 0 W (carbontracker) loses energy that was used.
 */
export function raplDelta(prevUj: number, curUj: number, maxRangeUj?: number | null): RaplDelta {
  requireNonNegative(prevUj, 'Previous RAPL reading (uJ)');
  requireNonNegative(curUj, 'Current RAPL reading (uJ)');
  if (curUj >= prevUj) return { deltaUj: curUj - prevUj, wrapped: false, exact: true };
  const maxKnown = typeof maxRangeUj === 'number' && Number.isFinite(maxRangeUj) && maxRangeUj > 0 && prevUj <= maxRangeUj;
  if (maxKnown) return { deltaUj: maxRangeUj - prevUj + curUj, wrapped: true, exact: true };
  return { deltaUj: curUj, wrapped: true, exact: false };
}

export function raplDeltaUj(prevUj: number, curUj: number, maxRangeUj?: number | null): number {
  return raplDelta(prevUj, curUj, maxRangeUj).deltaUj;
}

/** Seconds until a counter wraps at a steady power: max range (uJ) / 1e6 / power (W). */
export function raplWrapPeriodS(maxRangeUj: number, powerW: number): number {
  requirePositive(maxRangeUj, 'RAPL max_energy_range_uj');
  requirePositive(powerW, 'Power (W)');
  return maxRangeUj / 1e6 / powerW;
}

/**
 * Longest safe sampling interval: half the wrap period at the highest power the package can draw,
 * so that at most one wrap happens between two reads (one wrap is recoverable, two are not).
 */
export function raplMaxIntervalS(maxRangeUj: number, maxPowerW: number): number {
  return raplWrapPeriodS(maxRangeUj, maxPowerW) / 2;
}

/**
 * A delta above maxPowerW x dtS cannot be real (two wraps, a counter glitch, a suspend/resume):
 * the meter should flag it rather than charge it (shared/research/measurement.md section 10.2).
 */
export function raplDeltaPlausible(deltaUj: number, dtS: number, maxPowerW: number): boolean {
  if (!(deltaUj >= 0) || !(dtS > 0) || !(maxPowerW > 0)) return false;
  return deltaUj / 1e6 <= maxPowerW * dtS;
}
