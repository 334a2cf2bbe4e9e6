/**
 * Evaluation of every offer for a workload, into flat columns (typed arrays) so that tens of
 * thousands of options cost a few milliseconds and almost no allocation. Per option:
 *
 *   time    = work / (nodes x boards x peak rate x efficiency)   (x (1 + spot overhead) on spot)
 *   IT W    = boards x (idle + u x (TDP - idle)) + vCPUs x (min + u_cpu x (max - min)) + GB x 0.392
 *   energy  = nodes x IT W x time x PUE
 *   carbon  = energy x grid intensity + nodes x embodied g/h x time
 *   cost    = nodes x price/h x max(time, billing minimum)
 *
 * and the first constraint (in CONSTRAINT_STAGES order) the option fails, or FEASIBLE.
 */
import { CCF_MEMORY_W_PER_GB } from '../energy/memory.js';
import { ccfLinearPowerW } from '../energy/cpu-models.js';
import { gpuPowerW } from '../energy/gpu.js';
import { validatePue } from '../energy/pue.js';
import { requireNonNegative } from '../energy/validate.js';
import { boardRateValue } from './workload.js';
import type { PlanConstraints, PlanOffer, PlanSettings, PlanWorkload } from './types.js';

export const FEASIBLE = 255;
/** Stage indices, as in CONSTRAINT_STAGES. */
export const STAGE = { providers: 0, regions: 1, pricing: 2, hardware: 3, acceleratorCount: 4, minGpuMemory: 5, modelMemory: 6, deadline: 7, budget: 8 } as const;

export interface Evaluation {
  n: number;
  /** Per option; NaN where the hardware cannot run the workload. */
  durationS: Float64Array;
  itPowerW: Float64Array;
  energyKwh: Float64Array;
  operationalG: Float64Array;
  embodiedG: Float64Array;
  totalG: Float64Array;
  costUsd: Float64Array;
  /** Index of the first failed stage, or FEASIBLE. */
  failedAt: Uint8Array;
}

export const regionKey = (o: Pick<PlanOffer, 'provider' | 'region'>): string => `${o.provider}:${o.region}`;

export function embodiedGPerHour(o: PlanOffer): number {
  const e = o.embodied;
  if (e.kind === 'per-hour') return requireNonNegative(e.gPerHour, `Embodied g/h of ${o.instanceType}`);
  return (requireNonNegative(e.platformG, `Embodied g of ${o.instanceType}`) * e.reservedShare) / e.lifespanH;
}

const lowerSet = (xs: readonly string[] | undefined): Set<string> | null => (xs && xs.length > 0 ? new Set(xs.map((x) => x.toLowerCase())) : null);

export function evaluateOffers(offers: readonly PlanOffer[], workload: PlanWorkload, constraints: PlanConstraints, settings: Pick<PlanSettings, 'spotOverhead' | 'nodes'>): Evaluation {
  const n = offers.length;
  const ev: Evaluation = {
    n,
    durationS: new Float64Array(n).fill(NaN),
    itPowerW: new Float64Array(n).fill(NaN),
    energyKwh: new Float64Array(n).fill(NaN),
    operationalG: new Float64Array(n).fill(NaN),
    embodiedG: new Float64Array(n).fill(NaN),
    totalG: new Float64Array(n).fill(NaN),
    costUsd: new Float64Array(n).fill(NaN),
    failedAt: new Uint8Array(n).fill(FEASIBLE),
  };
  const providers = lowerSet(constraints.providers);
  const regions = lowerSet(constraints.regions);
  const pricing = constraints.pricing && constraints.pricing.length > 0 ? new Set<string>(constraints.pricing) : null;
  const minGpuMemoryGb = constraints.minGpuMemoryGb ?? 0;
  const countMin = constraints.acceleratorCount?.min ?? 0;
  const countMax = constraints.acceleratorCount?.max ?? Infinity;
  const countFilter = constraints.acceleratorCount !== undefined;
  const deadlineS = constraints.deadlineS ?? Infinity;
  const budgetUsd = constraints.budgetUsd ?? Infinity;
  const nodes = settings.nodes;
  const spotFactor = 1 + settings.spotOverhead;
  const isAcc = workload.kind === 'accelerator';
  const memCoef = CCF_MEMORY_W_PER_GB;

  for (let i = 0; i < n; i++) {
    const o = offers[i] as PlanOffer;
    const acc = o.accelerator;
    let fail: number = FEASIBLE;
    const provider = o.provider.toLowerCase();
    if (providers && !providers.has(provider)) fail = STAGE.providers;
    else if (regions && !regions.has(o.region.toLowerCase()) && !regions.has(`${provider}:${o.region.toLowerCase()}`)) fail = STAGE.regions;
    else if (pricing && !pricing.has(o.pricing)) fail = STAGE.pricing;

    // Time: the hardware either runs the workload (rate > 0) or the option fails at `hardware`.
    let durationS = NaN;
    if (isAcc) {
      const rate = acc ? boardRateValue(acc, workload.bound, workload.precision) : 0;
      if (acc && rate > 0) durationS = workload.work / (nodes * acc.count * rate * workload.efficiency);
    } else if (!acc && o.vcpus > 0) {
      durationS = (workload.vcpuHours * 3600) / (nodes * (workload.maxParallelism === null ? o.vcpus : Math.min(o.vcpus, workload.maxParallelism)));
    }
    if (!(durationS > 0 && Number.isFinite(durationS))) {
      ev.failedAt[i] = fail === FEASIBLE ? STAGE.hardware : fail;
      continue;
    }
    if (o.pricing === 'spot') durationS *= spotFactor;

    const pue = validatePue(o.pue.value, `PUE of ${regionKey(o)}`);
    // A CPU job that keeps only some of the vCPUs busy leaves the rest idling (still powered).
    const hostUtil = !isAcc && workload.maxParallelism !== null && o.vcpus > workload.maxParallelism ? (workload.cpuUtilization * workload.maxParallelism) / o.vcpus : workload.cpuUtilization;
    let itW = o.vcpus * ccfLinearPowerW(o.cpu.minWPerVcpu, o.cpu.maxWPerVcpu, hostUtil) + o.memoryGb * memCoef;
    if (acc) itW += acc.count * gpuPowerW(acc.idleW, acc.tdpW, isAcc ? workload.powerUtilization : 0);
    itW *= nodes;
    const hours = durationS / 3600;
    const energyKwh = (itW * hours * pue) / 1000;
    const operationalG = energyKwh * requireNonNegative(o.intensity.value, `Grid intensity of ${regionKey(o)}`);
    const embodiedG = nodes * embodiedGPerHour(o) * hours;
    const billedH = Math.max(durationS, o.billingMinimumS ?? 0) / 3600;
    const costUsd = nodes * requireNonNegative(o.priceUsdPerHour, `Price of ${o.instanceType}`) * billedH;

    ev.durationS[i] = durationS;
    ev.itPowerW[i] = itW;
    ev.energyKwh[i] = energyKwh;
    ev.operationalG[i] = operationalG;
    ev.embodiedG[i] = embodiedG;
    ev.totalG[i] = operationalG + embodiedG;
    ev.costUsd[i] = costUsd;

    if (fail === FEASIBLE) {
      if (countFilter && !(acc && acc.count >= countMin && acc.count <= countMax)) fail = STAGE.acceleratorCount;
      else if (minGpuMemoryGb > 0 && !(acc && acc.memoryGb >= minGpuMemoryGb)) fail = STAGE.minGpuMemory;
      else if (isAcc && workload.minTotalMemoryGb > 0 && !(acc && nodes * acc.count * acc.memoryGb >= workload.minTotalMemoryGb)) fail = STAGE.modelMemory;
      else if (durationS > deadlineS) fail = STAGE.deadline;
      else if (costUsd > budgetUsd) fail = STAGE.budget;
    }
    ev.failedAt[i] = fail;
  }
  return ev;
}
