/**
 * The footprint of a run or an estimate: IT energy by component, facility energy (x PUE),
 * operational emissions (annual-average, user-given or time-resolved intensity), embodied shares,
 * cost, and the caveats a reader must see. `greenml run` calls computeFootprint with measured
 * components at the end of a run; `greenml estimate` with estimateComponents' modeled ones.
 */
import { operationalEmissionsG, type EnergyInterval } from './carbon/operational.js';
import { computeCost, electricityCost, type CostInput } from './cost/cost.js';
import { cpuPowerW, describeCpuModel, type CpuPowerModel } from './energy/cpu-models.js';
import { gpuPowerW } from './energy/gpu.js';
import { DEFAULT_MEMORY_W_PER_GB, memoryPowerW } from './energy/memory.js';
import { validatePue } from './energy/pue.js';
import { requireFraction, requireNonNegative, requirePositive } from './energy/validate.js';
import { GreenmlError } from './errors.js';
import type { Factor } from './provenance.js';
import type { ComponentEnergy, CostBreakdown, EmbodiedShare, Footprint } from './records.js';
import type { IntensityPoint } from './series.js';
import { kwhFromWattSeconds } from './units.js';

export const INTENSITY_UNIT = 'gCO2e/kWh';

export type IntensityInput =
  /** One value for the whole run: a zone's annual average from the catalog, or the user's own. */
  | { kind: 'constant'; factor: Factor; resolution: 'annual-average' | 'user' }
  /**
   * A time series, with the run's IT energy per interval as its time profile (the meter's samples).
   * The profile only weights the intensity: the footprint's energy is the sum of the components.
   * Energy outside the series uses `fallback`; without one, an uncovered part is an error.
   */
  | { kind: 'series'; points: readonly IntensityPoint[]; intervals: readonly EnergyInterval[]; source: string; fallback?: Factor };

export type PriceInput =
  | ({ kind: 'instance' } & Omit<CostInput, 'durationS'>)
  | { kind: 'electricity'; priceUsdPerKwh: number; source: string };

export interface FootprintInput {
  durationS: number;
  components: readonly ComponentEnergy[];
  pue: Factor;
  intensity: IntensityInput;
  embodied?: readonly EmbodiedShare[];
  price?: PriceInput | null;
  /** Caveats from the caller (e.g. "no location given: world average intensity used"). */
  notes?: readonly string[];
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

function resolveIntensity(input: IntensityInput, itEnergyKwh: number, notes: string[]): { intensity: Factor; resolution: Footprint['intensityResolution'] } {
  if (input.kind === 'constant') {
    requireNonNegative(input.factor.value, 'Carbon intensity (gCO2e/kWh)');
    return { intensity: { ...input.factor }, resolution: input.resolution };
  }
  const r = operationalEmissionsG(input.intervals, input.points, input.fallback ? { fallbackGPerKwh: input.fallback.value } : {});
  if (r.coveredShare < 1 && input.fallback) {
    notes.push(`The intensity series (${input.source}) covered ${pct(r.coveredShare)} of the energy; the rest used ${input.fallback.value} ${INTENSITY_UNIT} (${input.fallback.source}).`);
  }
  if (itEnergyKwh > 0 && Math.abs(r.energyKwh - itEnergyKwh) > 0.01 * itEnergyKwh) {
    notes.push(`The per-interval energies (${r.energyKwh.toPrecision(4)} kWh) differ from the component total (${itEnergyKwh.toPrecision(4)} kWh); they were used only to weight the intensity over time.`);
  }
  if (!Number.isFinite(r.meanIntensityGPerKwh)) {
    throw new GreenmlError('INVALID_INPUT', `The intensity series (${input.source}) does not cover the run and no fallback was given: pass a fallback intensity.`);
  }
  const intensity: Factor = { value: r.meanIntensityGPerKwh, unit: INTENSITY_UNIT, source: `${input.source} (time-resolved, energy-weighted mean)` };
  return { intensity, resolution: 'time-resolved' };
}

function resolveCost(price: PriceInput | null | undefined, durationS: number, energyKwh: number): CostBreakdown | null {
  if (!price) return null;
  if (price.kind === 'electricity') return electricityCost(energyKwh, price.priceUsdPerKwh, price.source);
  const { kind: _kind, ...rest } = price;
  return computeCost({ ...rest, durationS });
}

export function computeFootprint(input: FootprintInput): Footprint {
  requireNonNegative(input.durationS, 'Duration (s)');
  const pue = validatePue(input.pue.value);
  const notes: string[] = [...(input.notes ?? [])];

  let itEnergyKwh = 0;
  for (const c of input.components) itEnergyKwh += requireNonNegative(c.energyKwh, `${c.component} energy (kWh)`);
  if (input.components.length === 0) notes.push('No component energy was measured or modeled: the footprint counts embodied emissions only.');

  const energyKwh = itEnergyKwh * pue;
  const { intensity, resolution } = resolveIntensity(input.intensity, itEnergyKwh, notes);
  const operationalG = energyKwh * intensity.value;

  const embodied = (input.embodied ?? []).map((e) => ({ ...e }));
  let embodiedG = 0;
  for (const e of embodied) embodiedG += requireNonNegative(e.shareG, `Embodied share of ${e.item} (g)`);

  return {
    durationS: input.durationS,
    components: input.components.map((c) => ({ ...c })),
    itEnergyKwh,
    pue: { ...input.pue },
    energyKwh,
    intensity,
    intensityResolution: resolution,
    operationalG,
    embodied,
    embodiedG,
    totalG: operationalG + embodiedG,
    cost: resolveCost(input.price, input.durationS, energyKwh),
    notes,
  };
}

export interface EstimateInput {
  durationS: number;
  gpu?: {
    count: number;
    /** Board power at full load, W (the catalog's TDP). */
    tdpW: number;
    /**
     * Power at 0 % utilisation, W. Omit for the Green Algorithms / ML CO2 Impact style TDP x
     * utilisation (no idle floor); give it for CCF's idle + u x (max - idle).
     */
    idleW?: number;
    /** 0..1. ML CO2 Impact assumes 1 (full TDP for the whole duration). */
    utilization: number;
    name: string;
    source: string;
  };
  cpu?: { model: CpuPowerModel; utilization: number };
  memory?: { gb: number; wPerGb?: number; source?: string };
}

const n = (x: number): string => String(Number(x.toPrecision(4)));

/** Modeled component energies for a planned or unmeasured run (IT energy, before PUE). */
export function estimateComponents(input: EstimateInput): ComponentEnergy[] {
  const durationS = requireNonNegative(input.durationS, 'Duration (s)');
  const out: ComponentEnergy[] = [];
  if (input.gpu) {
    const g = input.gpu;
    requirePositive(g.count, 'GPU count');
    if (!Number.isInteger(g.count)) throw new GreenmlError('INVALID_INPUT', `GPU count must be a whole number, got ${g.count}.`);
    requireFraction(g.utilization, 'GPU utilization');
    const perGpuW = gpuPowerW(g.idleW ?? 0, g.tdpW, g.utilization);
    const model =
      g.idleW === undefined
        ? `${g.count} x ${g.name}: ${n(g.tdpW)} W TDP x utilisation`
        : `${g.count} x ${g.name}: ${n(g.idleW)}-${n(g.tdpW)} W linear in utilisation`;
    out.push({
      component: 'gpu',
      energyKwh: kwhFromWattSeconds(g.count * perGpuW, durationS),
      method: 'modeled',
      model,
      detail: `utilisation ${pct(g.utilization)}, ${n(g.count * perGpuW)} W in total; ${g.source}`,
    });
  }
  if (input.cpu) {
    const w = cpuPowerW(input.cpu.model, input.cpu.utilization);
    out.push({
      component: 'cpu',
      energyKwh: kwhFromWattSeconds(w, durationS),
      method: 'modeled',
      model: describeCpuModel(input.cpu.model),
      detail: `utilisation ${pct(input.cpu.utilization)}, ${n(w)} W; ${input.cpu.model.source}`,
    });
  }
  if (input.memory) {
    const wPerGb = input.memory.wPerGb ?? DEFAULT_MEMORY_W_PER_GB;
    const w = memoryPowerW(input.memory.gb, wPerGb);
    const source = input.memory.source ?? (input.memory.wPerGb === undefined ? 'Green Algorithms 0.3725 W/GB (greenml default)' : 'user-given W/GB');
    out.push({
      component: 'memory',
      energyKwh: kwhFromWattSeconds(w, durationS),
      method: 'modeled',
      model: `${n(input.memory.gb)} GB x ${n(wPerGb)} W/GB`,
      detail: `${n(w)} W; ${source}`,
    });
  }
  return out;
}
