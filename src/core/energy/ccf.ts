/**
 * Cloud Carbon Footprint's usage estimators (packages/core/src, HEAD 2024-03, Apache-2.0): compute,
 * memory, storage and networking energy in kWh, PUE and replication factor included as CCF does.
 * greenml uses them for cloud estimates and to reproduce CCF's published test vectors.
 */
import { GreenmlError } from '../errors.js';
import { ccfLinearPowerW } from './cpu-models.js';
import { validatePue } from './pue.js';
import { requireNonNegative, requirePositive } from './validate.js';

/** kWh per GB-hour of memory (MemoryEstimator.ts MEMORY_COEFFICIENT, CCF 2021). */
export const CCF_MEMORY_KWH_PER_GB_HOUR = 0.000392;
/** Wh per TB-hour: SSD 1.2 (6 W per 5 TB), HDD 0.65 (6.5 W per 10 TB) (StorageEstimator, CCF 2021). */
export const CCF_SSD_WH_PER_TB_HOUR = 1.2;
export const CCF_HDD_WH_PER_TB_HOUR = 0.65;
/** kWh per GB moved between regions (NetworkingEstimator, CCF 2021). */
export const CCF_NETWORKING_KWH_PER_GB = 0.001;
/** Default CPU utilisation when none is known: 50 % (AVG_CPU_UTILIZATION_2020, CCF). */
export const CCF_DEFAULT_UTILIZATION = 0.5;

const checkCommon = (pue: number, replicationFactor: number): void => {
  validatePue(pue);
  requirePositive(replicationFactor, 'Replication factor');
};

/** kWh = avgW x vCPU-hours x PUE x RF / 1000, with avgW = min + u(max - min) unless given. */
export function ccfComputeKwh(input: {
  vcpuHours: number;
  pue: number;
  replicationFactor?: number;
  minWPerVcpu?: number;
  maxWPerVcpu?: number;
  utilization?: number;
  /** CCF's averageWatts override (e.g. a measured figure). */
  averageW?: number;
}): number {
  const rf = input.replicationFactor ?? 1;
  checkCommon(input.pue, rf);
  requireNonNegative(input.vcpuHours, 'vCPU-hours');
  let avgW = input.averageW;
  if (avgW === undefined) {
    if (input.minWPerVcpu === undefined || input.maxWPerVcpu === undefined) {
      throw new GreenmlError('INVALID_INPUT', 'CCF compute estimate needs either an average power (averageW) or both minWPerVcpu and maxWPerVcpu.');
    }
    avgW = ccfLinearPowerW(input.minWPerVcpu, input.maxWPerVcpu, input.utilization ?? CCF_DEFAULT_UTILIZATION);
  }
  return (avgW * input.vcpuHours * input.pue * rf) / 1000;
}

export function ccfMemoryKwh(input: { gbHours: number; pue: number; replicationFactor?: number }): number {
  const rf = input.replicationFactor ?? 1;
  checkCommon(input.pue, rf);
  requireNonNegative(input.gbHours, 'Memory GB-hours');
  return input.gbHours * CCF_MEMORY_KWH_PER_GB_HOUR * input.pue * rf;
}

export function ccfStorageKwh(input: { tbHours: number; kind: 'ssd' | 'hdd'; pue: number; replicationFactor?: number }): number {
  const rf = input.replicationFactor ?? 1;
  checkCommon(input.pue, rf);
  requireNonNegative(input.tbHours, 'Storage TB-hours');
  const whPerTbHour = input.kind === 'ssd' ? CCF_SSD_WH_PER_TB_HOUR : CCF_HDD_WH_PER_TB_HOUR;
  return (input.tbHours * whPerTbHour * input.pue * rf) / 1000;
}

export function ccfNetworkingKwh(input: { gb: number; pue: number }): number {
  validatePue(input.pue);
  requireNonNegative(input.gb, 'Data transferred (GB)');
  return input.gb * CCF_NETWORKING_KWH_PER_GB * input.pue;
}
