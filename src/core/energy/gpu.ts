/**
 * GPU energy: from NVML's total-energy counter (mJ since driver load, Volta and later; preferred),
 * from sampled power (nvidia-smi power.draw, trapezoid), or from a utilisation model for estimates.
 * NVML's counter covers the whole board (GPU and HBM); sampled power on A100/H100 sees only about
 * 25 % of the runtime (Yang, Adamek and Armour, SC'24, arXiv 2312.02741), hence the counter first.
 */
import { type PowerSample, trapezoidJ } from './integrate.js';
import { requireFraction, requireNonNegative } from './validate.js';

export interface GpuCounterDelta {
  energyJ: number;
  /**
   * The counter went down (driver reload, GPU reset, multi-die parts resetting): energyJ is the
   * energy counted since the reset, a lower bound for the interval.
   */
  reset: boolean;
}

/** Delta between two reads of nvmlDeviceGetTotalEnergyConsumption (millijoules). */
export function gpuCounterDelta(prevMj: number, curMj: number): GpuCounterDelta {
  requireNonNegative(prevMj, 'Previous GPU energy reading (mJ)');
  requireNonNegative(curMj, 'Current GPU energy reading (mJ)');
  if (curMj >= prevMj) return { energyJ: (curMj - prevMj) / 1000, reset: false };
  return { energyJ: curMj / 1000, reset: true };
}

export function gpuCounterDeltaJ(prevMj: number, curMj: number): number {
  return gpuCounterDelta(prevMj, curMj).energyJ;
}

/** Joules from power samples (trapezoid, as Zeus does for GPUs without the counter). */
export function gpuEnergyJFromSamples(samples: readonly PowerSample[]): number {
  return trapezoidJ(samples);
}

/**
 * Utilisation model for estimates, CCF style: idle + u x (max - idle), per GPU. With idleW = 0 and
 * u = 1 it is ML CO2 Impact's "TDP x hours"; CCF's table gives e.g. A100 46/407 W, T4 8/71 W.
 */
export function gpuPowerW(idleW: number, maxW: number, utilization: number): number {
  requireNonNegative(idleW, 'GPU idle power (W)');
  requireNonNegative(maxW, 'GPU maximum power (W)');
  requireFraction(utilization, 'GPU utilization');
  const lo = Math.min(idleW, maxW);
  return lo + utilization * (maxW - lo);
}
