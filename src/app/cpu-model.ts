/**
 * Which CPU power model a run uses when the machine has no RAPL counters (most cloud VMs): the
 * instance's micro-architecture (Cloud Carbon Footprint per-vCPU min/max) when the instance is
 * known, else the host's CPU model matched in the catalog (TDP through the Teads curve), else a
 * generic per-thread TDP. Shared by `greenml run` and `greenml doctor`.
 */
import { findCpuArchitecture, matchCpuModel, type CpuMatch, type Instance } from '../catalog/index.js';
import type { CpuPowerModel } from '../core/index.js';

export interface CpuModelChoice {
  model: CpuPowerModel;
  /** What the summary and doctor print, e.g. "Intel Xeon Gold 6248 (exact match), 150 W TDP". */
  label: string;
  match: CpuMatch | null;
}

export function chooseCpuModel(input: { instance?: Instance | null; cpuModel: string | null; logicalCpus: number }): CpuModelChoice {
  const inst = input.instance;
  if (inst?.cpuArchitecture && inst.vcpus) {
    const arch = findCpuArchitecture(inst.cpuArchitecture, inst.provider);
    return {
      model: { kind: 'ccf-linear', minWPerVcpu: arch.minWPerVcpu, maxWPerVcpu: arch.maxWPerVcpu, vcpus: inst.vcpus, architecture: arch.name, source: `Cloud Carbon Footprint coefficients (${arch.id})` },
      label: `${inst.id}: ${inst.vcpus} vCPU ${arch.name}, ${arch.minWPerVcpu}-${arch.maxWPerVcpu} W per vCPU`,
      match: null,
    };
  }
  const match = matchCpuModel(input.cpuModel ?? '', { threads: input.logicalCpus });
  // A VM sees a slice of the package: charge the TDP share of the threads it has.
  const share = match.threads && match.threads > input.logicalCpus ? input.logicalCpus / match.threads : undefined;
  return {
    model: { kind: 'teads', tdpW: match.tdpW, threads: share !== undefined ? (match.threads as number) : input.logicalCpus, ...(share !== undefined ? { share } : {}), source: match.source },
    label: `${match.name} (${match.confidence} match${match.note ? `: ${match.note}` : ''}), ${match.tdpW} W TDP${share !== undefined ? `, ${input.logicalCpus}/${match.threads} threads` : ''}`,
    match,
  };
}
