/**
 * Embodied emissions: the share of a device's manufacturing and disposal emissions charged to the
 * time and resources this work reserved. SCI (ISO/IEC 21031:2024, GSF SPEC.md v1.1.0):
 * M = TE x (TiR / EL) x (RR / ToR).
 */
import { GreenmlError } from '../errors.js';
import type { EmbodiedShare } from '../records.js';
import { requireFraction, requireNonNegative, requirePositive } from '../energy/validate.js';

/** 4 years of 365 days, s: the server lifespan used by CCF (35,040 h) and the Impact Framework (126,144,000 s). */
export const FOUR_YEARS_S = 126_144_000;
/** CCF SERVER_EXPECTED_LIFESPAN, hours (EmbodiedEmissionsEstimator.ts, 2021). */
export const CCF_SERVER_LIFESPAN_H = 35_040;

export interface EmbodiedInput {
  item: string;
  /** TE, g CO2e. */
  totalG: number;
  /** EL, s. */
  lifetimeS: number;
  /** TiR, s. */
  usedS: number;
  /** RR / ToR, 0..1; 1 when the whole device is reserved. */
  reservedShare?: number;
  source: string;
}

export function embodiedShare(input: EmbodiedInput): EmbodiedShare {
  requireNonNegative(input.totalG, `Embodied emissions of ${input.item} (g)`);
  requirePositive(input.lifetimeS, `Expected lifetime of ${input.item} (s)`);
  requireNonNegative(input.usedS, 'Time reserved (s)');
  const reservedShare = requireFraction(input.reservedShare ?? 1, `Share of ${input.item} reserved`);
  return {
    item: input.item,
    totalG: input.totalG,
    lifetimeS: input.lifetimeS,
    usedS: input.usedS,
    reservedShare,
    shareG: input.totalG * (input.usedS / input.lifetimeS) * reservedShare,
    source: input.source,
  };
}

/**
 * Cloud Carbon Footprint: M = TE x hours / 35,040 x (instance vCPUs / largest vCPUs in the family)
 * (packages/core/src/embodiedEmissions/EmbodiedEmissionsEstimator.ts, 2021).
 */
export function ccfEmbodiedShare(input: { item: string; totalG: number; usedS: number; vcpus: number; largestVcpus: number; source: string }): EmbodiedShare {
  requirePositive(input.largestVcpus, 'Largest vCPU count of the instance family');
  if (input.vcpus > input.largestVcpus) {
    throw new GreenmlError('INVALID_INPUT', `${input.item}: ${input.vcpus} vCPUs is more than the family's largest (${input.largestVcpus}); check the instance family.`);
  }
  return embodiedShare({
    item: input.item,
    totalG: input.totalG,
    lifetimeS: CCF_SERVER_LIFESPAN_H * 3600,
    usedS: input.usedS,
    reservedShare: requireNonNegative(input.vcpus, 'vCPUs') / input.largestVcpus,
    source: input.source,
  });
}

/**
 * Impact Framework `sci-embodied` builtin constants (src/if-run/builtins/sci-embodied/index.ts,
 * 2024): a baseline rack server (1 vCPU, 16 GB, 1,000,000 g CO2e) from the Teads / CCF coefficients
 * (Dell PowerEdge R740 LCA, 2019), plus per extra component. Note IF's SSD and HDD constants are
 * the reverse of the ccf-coefficients repository's (SSD 100 kg, HDD 50 kg); we keep IF's, as its
 * published outputs use them.
 */
export interface SciEmbodiedConfig {
  baselineVcpus: number;
  baselineMemoryGb: number;
  /** g CO2e of the baseline server. */
  baselineEmissionsG: number;
  lifespanS: number;
  /** g CO2e per vCPU above the baseline. */
  vcpuEmissionsG: number;
  /** kg CO2e per GB above the baseline: 533 kg for 384 GB of DIMMs (R740 LCA). */
  memoryEmissionsKgPerGb: number;
  ssdEmissionsG: number;
  hddEmissionsG: number;
  gpuEmissionsG: number;
}

export const IF_SCI_EMBODIED_DEFAULTS: Readonly<SciEmbodiedConfig> = {
  baselineVcpus: 1,
  baselineMemoryGb: 16,
  baselineEmissionsG: 1_000_000,
  lifespanS: FOUR_YEARS_S,
  vcpuEmissionsG: 100_000,
  memoryEmissionsKgPerGb: 533 / 384,
  ssdEmissionsG: 50_000,
  hddEmissionsG: 100_000,
  gpuEmissionsG: 150_000,
};

export interface SciEmbodiedInput {
  durationS: number;
  vcpus?: number;
  memoryGb?: number;
  ssd?: number;
  hdd?: number;
  gpu?: number;
  /** Share of the server used, IF's usage-ratio (> 0). */
  usageRatio?: number;
}

/** Total embodied emissions of the described server, g (before time and usage shares). */
export function ifServerEmbodiedTotalG(input: Omit<SciEmbodiedInput, 'durationS' | 'usageRatio'>, config: Partial<SciEmbodiedConfig> = {}): number {
  const c = { ...IF_SCI_EMBODIED_DEFAULTS, ...config };
  const vcpus = input.vcpus ?? c.baselineVcpus;
  const memoryGb = input.memoryGb ?? c.baselineMemoryGb;
  const cpuG = (vcpus - c.baselineVcpus) * c.vcpuEmissionsG;
  // IF's expression, kept as written: (mem - baseline) x (const x baseline / 16) x 1000 g/kg.
  const memoryG = (memoryGb - c.baselineMemoryGb) * ((c.memoryEmissionsKgPerGb * c.baselineMemoryGb) / 16) * 1000;
  const parts = (input.ssd ?? 0) * c.ssdEmissionsG + (input.hdd ?? 0) * c.hddEmissionsG + (input.gpu ?? 0) * c.gpuEmissionsG;
  return c.baselineEmissionsG + cpuG + memoryG + parts;
}

/** IF sci-embodied: total x usage-ratio x duration / lifespan, g. */
export function ifSciEmbodiedG(input: SciEmbodiedInput, config: Partial<SciEmbodiedConfig> = {}): number {
  return ifSciEmbodiedShare(input, config).shareG;
}

export function ifSciEmbodiedShare(input: SciEmbodiedInput, config: Partial<SciEmbodiedConfig> = {}, item = 'server (IF sci-embodied model)'): EmbodiedShare {
  const c = { ...IF_SCI_EMBODIED_DEFAULTS, ...config };
  const usage = requireFraction(input.usageRatio ?? 1, 'Usage ratio (share of the server used)');
  return embodiedShare({
    item,
    totalG: ifServerEmbodiedTotalG(input, c),
    lifetimeS: c.lifespanS,
    usedS: input.durationS,
    reservedShare: usage,
    source: 'Impact Framework sci-embodied builtin (Green Software Foundation, 2024)',
  });
}
