/**
 * The throughput model: what a workload asks of an instance. Three ways in:
 * - transformer training from parameters and tokens: 6 x N x D FLOPs at an assumed MFU;
 * - accelerator-hours on a named accelerator, scaled to other hardware by dense TFLOPS at the
 *   workload's precision (or by memory bandwidth for memory-bound work);
 * - a measured run: its accelerator-hours, and the power its GPUs actually drew;
 * and CPU-only work as vCPU-hours (same per-vCPU throughput assumed across instances).
 */
import { requireFinite, requireFraction, requireNonNegative, requirePositive } from '../energy/validate.js';
import { CCF_DEFAULT_UTILIZATION } from '../energy/ccf.js';
import { GreenmlError } from '../errors.js';
import {
  ASSUMPTION_SOURCES,
  DEFAULT_BYTES_PER_PARAM,
  DEFAULT_MFU,
  DEFAULT_POWER_UTILIZATION,
  PRECISION_FALLBACK,
  TRAINING_FLOPS_PER_PARAM_TOKEN,
} from './defaults.js';
import type { AcceleratorWorkload, CpuWorkload, PlanAccelerator, PlanAssumption, Precision } from './types.js';

const sci = (x: number): string => (Math.abs(x) >= 1e5 ? x.toExponential(2).replace('e+', 'e') : String(Number(x.toPrecision(4))));
const pct = (x: number): string => `${Number((x * 100).toPrecision(3))} %`;

/** Peak rate of one board (TFLOPS or GB/s) for a bound and precision, with the documented fallback; 0 when unknown. */
export function boardRateValue(acc: Pick<PlanAccelerator, 'denseTflops' | 'memoryBwGbps'>, bound: 'compute' | 'memory', precision: Precision): number {
  if (bound === 'memory') return acc.memoryBwGbps > 0 ? acc.memoryBwGbps : 0;
  const direct = acc.denseTflops[precision];
  if (direct !== undefined && direct > 0) return direct;
  const fb = PRECISION_FALLBACK[precision] as Precision | undefined;
  const alt = fb === undefined ? undefined : acc.denseTflops[fb];
  return alt !== undefined && alt > 0 ? alt : 0;
}

/** Peak rate of one board for the workload's bound and precision, and the precision it was read at. */
export function boardRate(acc: Pick<PlanAccelerator, 'denseTflops' | 'memoryBwGbps'>, bound: 'compute' | 'memory', precision: Precision): { rate: number; precision: Precision } | null {
  if (bound === 'memory') return acc.memoryBwGbps > 0 ? { rate: acc.memoryBwGbps, precision } : null;
  const direct = acc.denseTflops[precision];
  if (direct !== undefined && direct > 0) return { rate: direct, precision };
  const fb = PRECISION_FALLBACK[precision] as Precision | undefined;
  const alt = fb === undefined ? undefined : acc.denseTflops[fb];
  return fb !== undefined && alt !== undefined && alt > 0 ? { rate: alt, precision: fb } : null;
}

/**
 * Power between idle and TDP at an MFU: the share measured at DEFAULT_MFU, with its dynamic part
 * scaled by MFU / DEFAULT_MFU (energy per useful FLOP held constant), capped at 1.
 */
export function powerUtilizationAtMfu(mfu: number): number {
  return Math.min(1, (DEFAULT_POWER_UTILIZATION * mfu) / DEFAULT_MFU);
}

/** Board power measured over a run, as a share between idle and TDP (clamped to [0, 1]). */
export function measuredPowerUtilization(meanBoardW: number, idleW: number, tdpW: number): number {
  if (!(tdpW > idleW)) return 1;
  return Math.min(1, Math.max(0, (meanBoardW - idleW) / (tdpW - idleW)));
}

function powerAssumption(u: number, how: string, source: string): PlanAssumption {
  return { id: 'power-utilization', text: `Accelerator power = idle + ${pct(u)} x (TDP - idle) per board (${how})`, value: u, unit: 'fraction', source };
}

export interface TrainingInput {
  params: number;
  tokens: number;
  mfu?: number;
  precision?: Precision;
  /** Model-state bytes per parameter the instance's accelerators must hold; 0 disables the check. */
  bytesPerParam?: number;
  /** Override the MFU-derived power share. */
  powerUtilization?: number;
  cpuUtilization?: number;
}

/** Dense transformer training: 6 x N x D FLOPs at an assumed model FLOPs utilisation. */
export function trainingWorkload(input: TrainingInput): AcceleratorWorkload {
  requirePositive(input.params, 'Parameter count N');
  requirePositive(input.tokens, 'Training tokens D');
  const mfu = input.mfu ?? DEFAULT_MFU;
  requireFinite(mfu, 'MFU');
  if (mfu <= 0 || mfu > 1) throw new GreenmlError('INVALID_INPUT', `MFU must be a fraction in (0, 1], e.g. 0.4 for 40 %, got ${mfu}.`);
  const precision = input.precision ?? 'bf16';
  const bytesPerParam = requireNonNegative(input.bytesPerParam ?? DEFAULT_BYTES_PER_PARAM, 'Bytes per parameter');
  const u = input.powerUtilization === undefined ? powerUtilizationAtMfu(mfu) : requireFraction(input.powerUtilization, 'Accelerator power utilisation');
  const flops = TRAINING_FLOPS_PER_PARAM_TOKEN * input.params * input.tokens;
  const minTotalMemoryGb = (input.params * bytesPerParam) / 1e9;
  const assumptions: PlanAssumption[] = [
    { id: 'training-flops', text: `Training compute = 6 x N x D = 6 x ${sci(input.params)} x ${sci(input.tokens)} = ${sci(flops)} FLOP`, value: TRAINING_FLOPS_PER_PARAM_TOKEN, unit: 'FLOP per parameter per token', source: ASSUMPTION_SOURCES.flops, year: 2020 },
    input.mfu === undefined
      ? { id: 'mfu', text: `Model FLOPs utilisation ${pct(mfu)} of dense ${precision} peak (default; change with --mfu)`, value: mfu, unit: 'fraction', source: ASSUMPTION_SOURCES.mfu, year: 2024 }
      : { id: 'mfu', text: `Model FLOPs utilisation ${pct(mfu)} of dense ${precision} peak (given)`, value: mfu, unit: 'fraction', source: 'user (--mfu)' },
    input.powerUtilization === undefined
      ? powerAssumption(u, `${pct(DEFAULT_POWER_UTILIZATION)} measured at MFU ${pct(DEFAULT_MFU)}, dynamic part scaled with MFU`, ASSUMPTION_SOURCES.power)
      : powerAssumption(u, 'given', 'user (--power-util)'),
    bytesPerParam > 0
      ? { id: 'model-memory', text: `The instance's accelerators must hold ${bytesPerParam} bytes of model state per parameter (${sci(minTotalMemoryGb)} GB, sharded across boards; activations not counted)`, value: bytesPerParam, unit: 'bytes per parameter', source: input.bytesPerParam === undefined ? ASSUMPTION_SOURCES.bytesPerParam : 'user (--bytes-per-param)', year: 2020 }
      : { id: 'model-memory', text: 'No model-state memory check (--bytes-per-param 0)', source: 'user (--bytes-per-param)' },
  ];
  return {
    kind: 'accelerator',
    label: `training ${sci(input.params)} parameters on ${sci(input.tokens)} tokens (6ND = ${sci(flops)} FLOP, ${precision}, MFU ${pct(mfu)})`,
    bound: 'compute',
    precision,
    work: flops / 1e12,
    efficiency: mfu,
    powerUtilization: u,
    minTotalMemoryGb,
    cpuUtilization: requireFraction(input.cpuUtilization ?? CCF_DEFAULT_UTILIZATION, 'Host CPU utilisation'),
    assumptions,
  };
}

export interface AcceleratorHoursInput {
  /** Board-hours on the reference accelerator (a 2-GPU hour counts 2). */
  acceleratorHours: number;
  reference: Pick<PlanAccelerator, 'id' | 'name' | 'denseTflops' | 'memoryBwGbps'>;
  precision?: Precision;
  bound?: 'compute' | 'memory';
  powerUtilization?: number;
  /** Where the power share came from, when given (e.g. "measured over run r-12"). */
  powerBasis?: { how: string; source: string };
  cpuUtilization?: number;
  label?: string;
}

/**
 * Accelerator-hours on a reference board, scaled to any board by peak rate: time on a target =
 * hours x rate(reference) / (boards x rate(target)). Whatever fraction of peak the work reached
 * on the reference is assumed on the target too, so it cancels.
 */
export function acceleratorHoursWorkload(input: AcceleratorHoursInput): AcceleratorWorkload {
  requirePositive(input.acceleratorHours, 'Accelerator-hours');
  const precision = input.precision ?? 'bf16';
  const bound = input.bound ?? 'compute';
  const ref = boardRate(input.reference, bound, precision);
  if (!ref) {
    const what = bound === 'memory' ? 'memory bandwidth figure' : `dense ${precision} throughput figure (nor a fallback)`;
    throw new GreenmlError('INVALID_INPUT', `${input.reference.name} has no ${what} in the catalog, so its hours cannot be scaled: choose another --precision or --bound.`);
  }
  const u = input.powerUtilization ?? DEFAULT_POWER_UTILIZATION;
  requireFraction(u, 'Accelerator power utilisation');
  const rateText = bound === 'memory' ? `${sci(ref.rate)} GB/s memory bandwidth` : `${sci(ref.rate)} dense ${ref.precision} TFLOPS`;
  const assumptions: PlanAssumption[] = [
    {
      id: 'scaling',
      text: bound === 'memory'
        ? `Memory-bandwidth-bound: time scales with 1 / (boards x memory bandwidth); reference ${input.reference.name} at ${rateText}`
        : `Compute-bound: time scales with 1 / (boards x dense ${precision} TFLOPS); reference ${input.reference.name} at ${rateText}; the same share of peak is assumed on every board`,
      value: ref.rate,
      unit: bound === 'memory' ? 'GB/s' : 'TFLOPS',
      source: 'greenml throughput model (docs/planning.md); peak figures from the catalog',
    },
    input.powerBasis
      ? powerAssumption(u, input.powerBasis.how, input.powerBasis.source)
      : input.powerUtilization === undefined
        ? powerAssumption(u, `${pct(DEFAULT_POWER_UTILIZATION)} measured on H100 nodes in compute-intensive training`, ASSUMPTION_SOURCES.power)
        : powerAssumption(u, 'given', 'user (--power-util)'),
  ];
  return {
    kind: 'accelerator',
    label: input.label ?? `${sci(input.acceleratorHours)} accelerator-hours on ${input.reference.name} (${bound}-bound${bound === 'compute' ? `, ${precision}` : ''})`,
    bound,
    precision,
    work: input.acceleratorHours * 3600 * ref.rate,
    efficiency: 1,
    powerUtilization: u,
    minTotalMemoryGb: 0,
    cpuUtilization: requireFraction(input.cpuUtilization ?? CCF_DEFAULT_UTILIZATION, 'Host CPU utilisation'),
    assumptions,
  };
}

/**
 * CPU-only work as vCPU-hours: time on an instance = vCPU-hours / vCPUs. Assumes the same
 * throughput per vCPU on every instance (true within a micro-architecture generation; newer
 * generations are faster, so the plan is conservative for them).
 */
export function cpuWorkload(input: { vcpuHours: number; cpuUtilization?: number; maxParallelism?: number | null; label?: string }): CpuWorkload {
  requirePositive(input.vcpuHours, 'vCPU-hours');
  const cpuUtilization = requireFraction(input.cpuUtilization ?? 1, 'CPU utilisation');
  const maxParallelism = input.maxParallelism ?? null;
  if (maxParallelism !== null && !(Number.isInteger(maxParallelism) && maxParallelism >= 1)) {
    throw new GreenmlError('INVALID_INPUT', `Parallelism must be a whole number of vCPUs, at least 1, got ${maxParallelism}.`);
  }
  return {
    kind: 'cpu',
    label: input.label ?? `${sci(input.vcpuHours)} vCPU-hours`,
    vcpuHours: input.vcpuHours,
    cpuUtilization,
    maxParallelism,
    assumptions: [
      {
        id: 'cpu-scaling',
        text:
          maxParallelism === null
            ? 'CPU work scales with vCPU-hours: the same throughput per vCPU on every instance (no relative-performance factor between CPU generations)'
            : `CPU work scales with vCPU-hours up to ${maxParallelism} vCPU${maxParallelism > 1 ? 's' : ''} busy at once (the rest of a larger instance idles but is powered and paid for); the same throughput per vCPU on every instance`,
        source: 'greenml throughput model (docs/planning.md)',
      },
      { id: 'cpu-utilization', text: `CPU utilisation ${pct(cpuUtilization)} of the instance's vCPUs while the work runs`, value: cpuUtilization, unit: 'fraction', source: input.cpuUtilization === undefined ? 'greenml default: the work keeps every vCPU busy' : 'measured or given' },
    ],
  };
}
