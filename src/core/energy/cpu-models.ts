/**
 * CPU power models for when no energy counter (RAPL) can be read: cloud VMs, containers without
 * /sys/class/powercap, or a plan made before the work runs. Each returns watts for a utilisation
 * given as a fraction (0..1) of the model's whole capacity. Constants name source, year and unit.
 */
import { GreenmlError } from '../errors.js';
import { requireFraction, requireNonNegative, requirePositive } from './validate.js';

/**
 * Cloud Carbon Footprint per-vCPU linear model (packages/core/src/compute/ComputeEstimator.ts,
 * HEAD 2024-03): W = min + u * (max - min), with SPECpower-derived min/max per micro-architecture.
 */
export function ccfLinearPowerW(minW: number, maxW: number, utilization: number): number {
  requireNonNegative(minW, 'Minimum power (W)');
  requireNonNegative(maxW, 'Maximum power (W)');
  if (maxW < minW) {
    throw new GreenmlError('INVALID_INPUT', `Maximum power ${maxW} W is below minimum power ${minW} W: give the idle value as minimum and the full-load value as maximum.`);
  }
  requireFraction(utilization, 'CPU utilization');
  return minW + utilization * (maxW - minW);
}

/**
 * Teads curve: fraction of TDP drawn at a CPU utilisation (%), measured by Teads on AWS bare-metal
 * hosts (B. Davy, 2021) and reused by the Green Software Foundation's Impact Framework
 * (if-unofficial-plugins src/lib/teads-curve; IF builtins manifest pipelines/teads-curve.yml). Unitless.
 */
export const TEADS_CURVE_POINTS: readonly (readonly [utilizationPct: number, tdpFraction: number])[] = [
  [0, 0.12],
  [10, 0.32],
  [50, 0.75],
  [100, 1.02],
];

export type TeadsInterpolation = 'linear' | 'spline';

/**
 * Default interpolation is linear: it is what the Impact Framework's builtins pipeline uses (and so
 * the published outputs, test vector T9), it stays between neighbouring measured points and is
 * monotonic, and a reader can check it by hand. The old community plugin defaulted to a natural
 * cubic spline, which adds curvature that nobody measured between four points; it stays available.
 */
export const DEFAULT_TEADS_INTERPOLATION: TeadsInterpolation = 'linear';

function linearAt(points: readonly (readonly [number, number])[], x: number): number {
  for (let i = 1; i < points.length; i++) {
    const [x1, y1] = points[i] as readonly [number, number];
    const [x0, y0] = points[i - 1] as readonly [number, number];
    if (x <= x1) return y0 + ((x - x0) * (y1 - y0)) / (x1 - x0);
  }
  return (points[points.length - 1] as readonly [number, number])[1];
}

/** Natural cubic spline (second derivative 0 at both ends), as the typescript-cubic-spline package the plugin used. */
function naturalSplineAt(points: readonly (readonly [number, number])[], x: number): number {
  const n = points.length - 1;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const h = (i: number): number => (xs[i + 1] as number) - (xs[i] as number);
  // Solve the tridiagonal system for the second derivatives m[1..n-1] (Thomas algorithm).
  const m = new Array<number>(n + 1).fill(0);
  const c = new Array<number>(n).fill(0);
  const d = new Array<number>(n).fill(0);
  for (let i = 1; i < n; i++) {
    const a = h(i - 1);
    const b = 2 * (h(i - 1) + h(i));
    const cc = h(i);
    const rhs = 6 * (((ys[i + 1] as number) - (ys[i] as number)) / h(i) - ((ys[i] as number) - (ys[i - 1] as number)) / h(i - 1));
    const denom = b - a * (c[i - 1] as number);
    c[i] = cc / denom;
    d[i] = (rhs - a * (d[i - 1] as number)) / denom;
  }
  for (let i = n - 1; i >= 1; i--) m[i] = (d[i] as number) - (c[i] as number) * (m[i + 1] as number);
  let i = 0;
  while (i < n - 1 && x > (xs[i + 1] as number)) i++;
  const hi = h(i);
  const t0 = (xs[i + 1] as number) - x;
  const t1 = x - (xs[i] as number);
  const mi = m[i] as number;
  const mj = m[i + 1] as number;
  return (
    (mi * t0 ** 3) / (6 * hi) +
    (mj * t1 ** 3) / (6 * hi) +
    ((ys[i] as number) / hi - (mi * hi) / 6) * t0 +
    ((ys[i + 1] as number) / hi - (mj * hi) / 6) * t1
  );
}

/** Fraction of TDP the Teads curve gives at a utilisation fraction (0..1). */
export function teadsFactor(utilization: number, interpolation: TeadsInterpolation = DEFAULT_TEADS_INTERPOLATION): number {
  requireFraction(utilization, 'CPU utilization');
  const pct = utilization * 100;
  return interpolation === 'spline' ? naturalSplineAt(TEADS_CURVE_POINTS, pct) : linearAt(TEADS_CURVE_POINTS, pct);
}

export function teadsPowerW(tdpW: number, utilization: number, interpolation: TeadsInterpolation = DEFAULT_TEADS_INTERPOLATION): number {
  requireNonNegative(tdpW, 'TDP (W)');
  return tdpW * teadsFactor(utilization, interpolation);
}

/**
 * Constant share of TDP whatever the load: CodeCarbon's "constant mode" uses 0.5 x TDP
 * (CONSUMPTION_PERCENTAGE_CONSTANT, codecarbon/external/hardware.py, v3, 2025); carbontracker's
 * GenericCPU also uses TDP / 2. ML CO2 Impact and Green Algorithms use fraction 1 with usage 1.
 */
export function constantTdpPowerW(tdpW: number, fraction = 0.5): number {
  requireNonNegative(tdpW, 'TDP (W)');
  requireFraction(fraction, 'Fraction of TDP');
  return tdpW * fraction;
}

/**
 * CodeCarbon v3 CPU-load model on the machine path: P = TDP x (0.1 + 0.9 u^3)
 * (codecarbon/external/hardware.py, 2025). Offered so users can compare with CodeCarbon; not a default.
 */
export function codecarbonCpuLoadPowerW(tdpW: number, utilization: number): number {
  requireNonNegative(tdpW, 'TDP (W)');
  requireFraction(utilization, 'CPU utilization');
  return tdpW * (0.1 + 0.9 * utilization ** 3);
}

/** CodeCarbon's power for a CPU it cannot identify and cannot count threads of: 85 W (codecarbon/core/cpu.py POWER_CONSTANT, 2025). */
export const CODECARBON_UNKNOWN_CPU_W = 85;
/** CodeCarbon's TDP guess per logical thread for an unknown CPU: 4 W (DEFAULT_POWER_PER_CORE, codecarbon/core/cpu.py, 2025). */
export const CODECARBON_W_PER_THREAD = 4;
/** Green Algorithms' generic CPU ("Any"): 12 W TDP per core (data/latest/TDP_cpu.csv, v3.0, 2024). */
export const GREEN_ALGORITHMS_GENERIC_W_PER_CORE = 12;

export interface CcfLinearCpuModel {
  kind: 'ccf-linear';
  /** SPECpower idle watts per vCPU for the micro-architecture. */
  minWPerVcpu: number;
  /** SPECpower full-load watts per vCPU. */
  maxWPerVcpu: number;
  vcpus: number;
  /** Citation, e.g. "CCF AwsFootprintEstimationConstants.ts, Cascade Lake (2024)". */
  source: string;
  /** Optional short name of the micro-architecture for labels, e.g. "Cascade Lake". */
  architecture?: string;
}

export interface TeadsCpuModel {
  kind: 'teads';
  /** TDP of the whole chip (or the sum over sockets), W. */
  tdpW: number;
  /** Hardware threads the TDP covers, to turn "cores busy" into utilisation (see cpuCapacityCores). */
  threads?: number;
  /**
   * Share of the chip this work holds, 0..1 (Impact Framework's vcpus-allocated / vcpus-total, e.g. a
   * VM with 2 of a host's 8 vCPUs). Defaults to 1 (the whole chip).
   */
  share?: number;
  interpolation?: TeadsInterpolation;
  source: string;
}

export interface ConstantTdpCpuModel {
  kind: 'constant-tdp';
  tdpW: number;
  /** Share of TDP drawn whatever the load, 0..1. */
  fraction: number;
  source: string;
}

export type CpuPowerModel = CcfLinearCpuModel | TeadsCpuModel | ConstantTdpCpuModel;

/** Power of the modelled CPU at a utilisation fraction (0..1) of the model's whole capacity. */
export function cpuPowerW(model: CpuPowerModel, utilization: number): number {
  switch (model.kind) {
    case 'ccf-linear':
      requireNonNegative(model.vcpus, 'vCPU count');
      return model.vcpus * ccfLinearPowerW(model.minWPerVcpu, model.maxWPerVcpu, utilization);
    case 'teads': {
      const share = model.share ?? 1;
      requireFraction(share, 'Share of the chip');
      return share * teadsPowerW(model.tdpW, utilization, model.interpolation ?? DEFAULT_TEADS_INTERPOLATION);
    }
    case 'constant-tdp':
      requireFraction(utilization, 'CPU utilization');
      return constantTdpPowerW(model.tdpW, model.fraction);
  }
}

/**
 * How many cores make 100 % utilisation for this model, or null when the model does not say
 * (then the caller must know the machine's thread count). The meter divides the process tree's busy
 * cores by this to get the utilisation it passes to cpuPowerW.
 */
export function cpuCapacityCores(model: CpuPowerModel): number | null {
  if (model.kind === 'ccf-linear') return model.vcpus;
  if (model.kind === 'teads' && model.threads !== undefined) return model.threads * (model.share ?? 1);
  return null;
}

/**
 * Busy cores -> utilisation fraction, clamped to [0, 1]: CPU time read from /proc can briefly exceed
 * capacity by sampling jitter, and a model must not be pushed past its measured range.
 */
export function utilizationFromCores(busyCores: number, capacityCores: number): number {
  requirePositive(capacityCores, 'CPU capacity (cores)');
  if (!Number.isFinite(busyCores) || busyCores <= 0) return 0;
  return Math.min(1, busyCores / capacityCores);
}

const num = (x: number): string => String(Number(x.toPrecision(4)));

/** Short human label, used as ComponentEnergy.model. */
export function describeCpuModel(model: CpuPowerModel): string {
  switch (model.kind) {
    case 'ccf-linear': {
      const arch = model.architecture ? ` (${model.architecture})` : '';
      return `CCF linear ${num(model.minWPerVcpu)}-${num(model.maxWPerVcpu)} W/vCPU x ${num(model.vcpus)} vCPU${arch}`;
    }
    case 'teads': {
      const share = model.share !== undefined && model.share !== 1 ? `, ${num(model.share * 100)} % of the chip` : '';
      return `Teads curve (${model.interpolation ?? DEFAULT_TEADS_INTERPOLATION}), TDP ${num(model.tdpW)} W${share}`;
    }
    case 'constant-tdp':
      return `constant ${num(model.fraction * 100)} % of TDP ${num(model.tdpW)} W`;
  }
}
