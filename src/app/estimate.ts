/**
 * `greenml estimate`: a footprint for work that has not run (or ran elsewhere), from hardware, a
 * duration, a location and a price. Modeled energies only; every factor keeps its source.
 */
import { embodiedDefaults, findAccelerator, findCpuArchitecture, findInstance, listPrices, matchCpuModel } from '../catalog/index.js';
import {
  GreenmlError,
  computeFootprint,
  embodiedShare,
  equivalencesFor,
  estimateComponents,
  type CpuPowerModel,
  type EmbodiedShare,
  type Footprint,
  type PriceInput,
  type Pricing,
} from '../core/index.js';
import { resolveLocation, type LocationInput } from './location.js';

export interface EstimateRequest extends LocationInput {
  durationS: number;
  /** An accelerator id or alias ("a100-80gb"); overrides the instance's accelerator. */
  gpu?: string;
  gpuCount?: number;
  /** 0..1; default 1 (full TDP for the whole duration, as ML CO2 Impact and Green Algorithms assume). */
  gpuUtilization?: number;
  /** "provider:type", e.g. "aws:p4d.24xlarge": accelerators, vCPUs, memory, CPU and price. */
  instance?: string;
  pricing?: Pricing;
  /** A CPU model name ("Xeon Gold 6248") or a micro-architecture ("Cascade Lake"). */
  cpu?: string;
  vcpus?: number;
  /** 0..1; default 0.5 (Cloud Carbon Footprint's average when unknown). */
  cpuUtilization?: number;
  memoryGb?: number;
  priceUsdPerHour?: number;
  electricityUsdPerKwh?: number;
  /** Include embodied emissions (default true). */
  embodied?: boolean;
}

export interface EstimateResult {
  footprint: Footprint;
  hardware: { gpu: string | null; gpuCount: number; cpu: string | null; vcpus: number | null; memoryGb: number | null; instance: string | null };
  location: string;
  equivalences: ReturnType<typeof equivalencesFor>;
}

/** Cloud Carbon Footprint's average CPU utilisation when none is known (AVG_CPU_UTILIZATION_2020). */
const DEFAULT_CPU_UTILIZATION = 0.5;

function cpuModelFor(cpu: string | undefined, vcpus: number | undefined, provider: string): { model: CpuPowerModel; name: string } | null {
  if (!cpu) return null;
  try {
    const arch = findCpuArchitecture(cpu, provider);
    const n = vcpus ?? 1;
    return {
      model: { kind: 'ccf-linear', minWPerVcpu: arch.minWPerVcpu, maxWPerVcpu: arch.maxWPerVcpu, vcpus: n, architecture: arch.name, source: `Cloud Carbon Footprint coefficients (${arch.id})` },
      name: `${arch.name} x ${n} vCPU`,
    };
  } catch (e) {
    if (!(e instanceof GreenmlError) || e.code !== 'UNKNOWN_ID') throw e;
  }
  const m = matchCpuModel(cpu);
  const share = vcpus && m.threads ? Math.min(1, vcpus / m.threads) : undefined;
  return {
    model: { kind: 'teads', tdpW: m.tdpW, ...(m.threads ? { threads: m.threads } : {}), ...(share !== undefined ? { share } : {}), source: m.source },
    name: `${m.name} (${m.confidence} match${m.confidence === 'fuzzy' ? `, ${m.note}` : ''})`,
  };
}

export function estimate(req: EstimateRequest): EstimateResult {
  if (!(req.durationS > 0)) throw new GreenmlError('INVALID_INPUT', 'Give a positive duration, e.g. --hours 12 or --duration 90m.');
  const loc = resolveLocation(req, 'unknown');
  const notes = [...loc.notes];
  const instance = req.instance ? findInstance(req.instance) : null;
  const provider = instance?.provider ?? req.region?.split(':')[0] ?? 'aws';

  const accelerator = req.gpu ? findAccelerator(req.gpu) : instance?.accelerator ? findAccelerator(instance.accelerator.id) : null;
  const gpuCount = req.gpuCount ?? (req.gpu ? 1 : (instance?.accelerator?.count ?? 0));
  if (req.gpuCount !== undefined && !accelerator) throw new GreenmlError('INVALID_INPUT', '--count needs --gpu (or an --instance with accelerators).');

  const vcpus = req.vcpus ?? instance?.vcpus ?? undefined;
  const cpuName = req.cpu ?? instance?.cpuArchitecture ?? undefined;
  const cpu = cpuModelFor(cpuName, vcpus, provider);
  const memoryGb = req.memoryGb ?? instance?.memoryGb ?? undefined;

  const components = estimateComponents({
    durationS: req.durationS,
    ...(accelerator && gpuCount > 0
      ? {
          gpu: {
            count: gpuCount,
            tdpW: accelerator.tdpW,
            // With the full-TDP default the idle floor does not matter; with a lower utilisation the
            // measured idle power (CCF/Teads) keeps the estimate from dropping towards zero.
            ...(accelerator.idleW !== null && req.gpuUtilization !== undefined ? { idleW: accelerator.idleW } : {}),
            utilization: req.gpuUtilization ?? 1,
            name: accelerator.name,
            source: `greenml catalog ${accelerator.id}`,
          },
        }
      : {}),
    ...(cpu ? { cpu: { model: cpu.model, utilization: req.cpuUtilization ?? DEFAULT_CPU_UTILIZATION } } : {}),
    ...(memoryGb ? { memory: { gb: memoryGb } } : {}),
  });
  if (components.length === 0) throw new GreenmlError('INVALID_INPUT', 'Nothing to estimate: give --gpu, --cpu, --memory-gb or an --instance.');

  const embodied: EmbodiedShare[] = [];
  if (req.embodied !== false) {
    const d = embodiedDefaults();
    const lifetimeS = d.lifespanH.value * 3600;
    if (instance) {
      embodied.push(embodiedShare({ item: instance.id, totalG: instance.embodiedKg * 1000, lifetimeS, usedS: req.durationS, reservedShare: 1, source: `greenml catalog ${instance.id} (${instance.sourceId})` }));
    } else if (accelerator && gpuCount > 0) {
      embodied.push(embodiedShare({ item: `${gpuCount} x ${accelerator.name}`, totalG: gpuCount * accelerator.embodiedKg * 1000, lifetimeS, usedS: req.durationS, reservedShare: 1, source: `greenml catalog ${accelerator.id}` }));
    }
  }

  let price: PriceInput | null = null;
  if (req.priceUsdPerHour !== undefined) {
    price = { kind: 'instance', priceUsdPerHour: req.priceUsdPerHour, basis: 'user-price', source: 'given by the user' };
  } else if (instance) {
    const pricing = req.pricing ?? 'on-demand';
    const region = loc.location.region;
    const match = listPrices({ instance: instance.id, pricing: pricing as 'on-demand' | 'spot' | 'reserved-1y', ...(region ? { region } : {}) })[0];
    if (match) price = { kind: 'instance', priceUsdPerHour: match.usdPerHour, basis: pricing, source: `${match.sourceId}, ${match.region}, observed ${match.observedAt}` };
    else notes.push(`No ${pricing} price for ${instance.id}${region ? ` in ${region}` : ''} in the catalog: no cost computed. Pass --price-per-hour.`);
  } else if (req.electricityUsdPerKwh !== undefined) {
    price = { kind: 'electricity', priceUsdPerKwh: req.electricityUsdPerKwh, source: 'given by the user' };
  }

  const footprint = computeFootprint({
    durationS: req.durationS,
    components,
    pue: loc.pue,
    intensity: { kind: 'constant', factor: loc.intensity, resolution: loc.intensityResolution },
    embodied,
    price,
    notes,
  });
  return {
    footprint,
    hardware: {
      gpu: accelerator?.id ?? null,
      gpuCount: accelerator ? gpuCount : 0,
      cpu: cpu?.name ?? null,
      vcpus: vcpus ?? null,
      memoryGb: memoryGb ?? null,
      instance: instance?.id ?? null,
    },
    location: loc.location.label,
    equivalences: equivalencesFor(footprint.totalG, footprint.energyKwh),
  };
}
