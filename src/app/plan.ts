/**
 * The `plan` verb: map the catalog into offers (one per instance x region x pricing with a price),
 * turn the user's workload (parameters and tokens, accelerator-hours, or a measured run) into a
 * core workload, and rank with core's planOffers. The catalog is passed as plain data
 * (`PlanCatalog`) so a fixed test catalog and the bundled one take the same path.
 */
import {
  GreenmlError,
  acceleratorHoursWorkload,
  closestMatches,
  cpuWorkload,
  measuredPowerUtilization,
  parseChoice,
  planOffers,
  trainingWorkload,
  type AcceleratorWorkload,
  type Factor,
  type Goal,
  type PlanAccelerator,
  type PlanConstraints,
  type PlanOffer,
  type PlanResult,
  type PlanSettings,
  type PlanWorkload,
  type Precision,
  type RunRecord,
  type Sample,
} from '../core/index.js';
import {
  embodiedDefaults,
  factorById,
  catalogSources,
  listAccelerators,
  listCpuArchitectures,
  listInstances,
  listPrices,
  listRegions,
  type Accelerator,
  type CatalogSource,
  type CpuArchitecture,
  type Instance,
  type Price,
  type Provenance,
  type Region,
} from '../catalog/index.js';

/** The catalog tables the planner reads, as plain data. */
export interface PlanCatalog {
  instances: readonly Instance[];
  prices: readonly Price[];
  regions: readonly Region[];
  accelerators: readonly Accelerator[];
  cpuArchitectures: readonly CpuArchitecture[];
  sources: readonly CatalogSource[];
  /** Server lifespan for embodied shares, h (CCF 35,040 h). */
  lifespanH: Factor;
  /** Idle power as a share of TDP for accelerators without a measured idle figure. */
  acceleratorIdleFraction: Factor;
}

let bundled: PlanCatalog | undefined;

/** The bundled catalog (src/catalog), read once. */
export function bundledPlanCatalog(): PlanCatalog {
  bundled ??= {
    instances: listInstances(),
    prices: listPrices(),
    regions: listRegions(),
    accelerators: listAccelerators(),
    cpuArchitectures: listCpuArchitectures(),
    sources: catalogSources(),
    lifespanH: embodiedDefaults().lifespanH,
    acceleratorIdleFraction: factorById('accelerator-idle-fraction'),
  };
  return bundled;
}

const key = (s: string): string => s.trim().toLowerCase();
const archKey = (s: string): string => key(s).replace(/^(amd|intel|aws)\s+/, '').replace(/[^a-z0-9]+/g, '-');

/** Names an accelerator answers to, normalised like the catalog's aliases ("NVIDIA A100-SXM4-80GB" -> "nvidia-a100-sxm4-80gb"). */
const aliasKey = (s: string): string => key(s).replace(/[\s_]+/g, '-');
const acceleratorKeys = (a: Accelerator): string[] => [...new Set([a.id, a.id.replace(/^(nvidia|google|aws)-/, ''), a.name, ...a.aliases].map(aliasKey))];

export function findPlanAccelerator(catalog: PlanCatalog, idOrAlias: string): Accelerator {
  const k = aliasKey(idOrAlias);
  const hit = catalog.accelerators.find((a) => acceleratorKeys(a).includes(k));
  if (hit) return hit;
  const names = catalog.accelerators.flatMap((a) => [a.id, ...a.aliases]);
  const near = closestMatches(idOrAlias, names);
  throw new GreenmlError('UNKNOWN_ID', `Unknown accelerator "${idOrAlias}".${near.length ? ` Did you mean ${near.join(', ')}?` : ''} Run greenml catalog hardware to list them.`);
}

function sourceText(catalog: PlanCatalog, id: string): string {
  return catalog.sources.find((s) => s.id === id)?.source ?? id;
}

function fieldFactor(catalog: PlanCatalog, rec: Provenance, field: string, value: number, unit: string): Factor {
  const sourceId = rec.fieldSources?.[field] ?? rec.sourceId;
  const year = rec.fieldYears?.[field] ?? (rec.fieldSources?.[field] ? catalog.sources.find((s) => s.id === sourceId)?.year : rec.year);
  const f: Factor = { value, unit, source: sourceText(catalog, sourceId) };
  if (year !== undefined) f.year = year;
  return f;
}

function planAccelerator(catalog: PlanCatalog, a: Accelerator, count: number): PlanAccelerator {
  const idleW = a.idleW ?? a.tdpW * catalog.acceleratorIdleFraction.value;
  const dense: Partial<Record<Precision, number>> = {};
  const put = (p: Precision, v: number | null): void => {
    if (v !== null && v > 0) dense[p] = v;
  };
  put('fp32', a.fp32Tflops);
  put('tf32', a.tf32TflopsDense);
  put('fp16', a.fp16TflopsDense);
  put('bf16', a.bf16TflopsDense);
  put('fp8', a.fp8TflopsDense);
  put('int8', a.int8TopsDense);
  return {
    id: a.id,
    name: a.name,
    count,
    tdpW: a.tdpW,
    idleW,
    denseTflops: dense,
    memoryGb: a.memoryGb ?? 0,
    memoryBwGbps: a.memoryBandwidthGbPerS ?? 0,
    source: `${sourceText(catalog, a.sourceId)}${a.idleW === null ? `; idle ${catalog.acceleratorIdleFraction.value} x TDP (${catalog.acceleratorIdleFraction.source})` : ''}`,
  };
}

const offerCache = new WeakMap<PlanCatalog, PlanOffer[]>();
const TPU_HOST_NOTE: readonly string[] = ['TPU slice: the catalog has no host vCPU or memory figure, so host power is left out and energy is understated'];

/**
 * Inference-only accelerators left out of training plans: AWS designs Inferentia2 (inf2) for
 * inference and Trainium (trn1) for training (AWS EC2 Inf2 and Trn1 product pages, 2024).
 */
const INFERENCE_ONLY = /^aws-inferentia/;

/**
 * One offer per price row whose instance and region the catalog knows. TPU slices have no host
 * vCPU or memory figure: their host power is not modelled (said in the offer's CPU label).
 */
export function offersFromCatalog(catalog: PlanCatalog): PlanOffer[] {
  const cached = offerCache.get(catalog);
  if (cached) return cached;
  const instances = new Map(catalog.instances.map((i) => [i.id, i]));
  const regions = new Map(catalog.regions.map((r) => [r.id, r]));
  const accs = new Map(catalog.accelerators.map((a) => [a.id, a]));
  const cpuFor = new Map<string, PlanOffer['cpu']>();
  const cpu = (inst: Instance): PlanOffer['cpu'] => {
    const k = `${inst.provider}|${inst.cpuArchitecture ?? ''}`;
    let c = cpuFor.get(k);
    if (!c) {
      const wanted = inst.cpuArchitecture ? archKey(inst.cpuArchitecture) : 'unknown';
      const byName = catalog.cpuArchitectures.filter((x) => archKey(x.name) === wanted);
      const arch =
        byName.find((x) => x.provider === inst.provider) ??
        byName.find((x) => x.provider === 'aws') ??
        catalog.cpuArchitectures.find((x) => x.id === `${inst.provider}:unknown`);
      c = arch
        ? { minWPerVcpu: arch.minWPerVcpu, maxWPerVcpu: arch.maxWPerVcpu, architecture: inst.cpuArchitecture ? arch.name : `unknown (${arch.id} average)`, source: sourceText(catalog, arch.sourceId) }
        : { minWPerVcpu: 0, maxWPerVcpu: 0, architecture: 'not modelled', source: 'no CPU coefficients in the catalog' };
      cpuFor.set(k, c);
    }
    return c;
  };
  const factors = new Map<string, { intensity: Factor; pue: Factor }>();
  const accFor = new Map<string, PlanAccelerator>();
  const lifespan = `lifespan ${catalog.lifespanH.value} h (${catalog.lifespanH.source})`;
  const offers: PlanOffer[] = [];
  for (const p of catalog.prices) {
    const inst = instances.get(p.instance);
    const region = regions.get(p.region);
    if (!inst || !region) continue;
    let rf = factors.get(region.id);
    if (!rf) {
      rf = { intensity: fieldFactor(catalog, region, 'intensityGPerKwh', region.intensityGPerKwh, 'gCO2e/kWh'), pue: fieldFactor(catalog, region, 'pue', region.pue, 'ratio') };
      factors.set(region.id, rf);
    }
    let acc: PlanAccelerator | null = null;
    if (inst.accelerator) {
      acc = accFor.get(inst.id) ?? null;
      const a = accs.get(inst.accelerator.id);
      if (!acc && a) {
        acc = planAccelerator(catalog, a, inst.accelerator.count);
        accFor.set(inst.id, acc);
      }
      if (!acc) continue;
    }
    const noHost = inst.vcpus === null;
    const host = noHost ? { minWPerVcpu: 0, maxWPerVcpu: 0, architecture: 'TPU slice: host not modelled', source: 'no host vCPU figure for TPU slices' } : cpu(inst);
    offers.push({
      provider: inst.provider,
      instanceType: inst.type,
      region: region.region,
      pricing: p.pricing,
      priceUsdPerHour: p.usdPerHour,
      priceSource: `${sourceText(catalog, p.sourceId)}${p.note ? ` (${p.note})` : ''}`,
      priceObservedAt: p.observedAt,
      accelerator: acc,
      vcpus: inst.vcpus ?? 0,
      memoryGb: inst.memoryGb ?? 0,
      cpu: host,
      intensity: rf.intensity,
      pue: rf.pue,
      // embodiedKg is already this instance's share of its platform (by accelerators, else vCPUs).
      embodied: { kind: 'platform', platformG: inst.embodiedKg * 1000, lifespanH: catalog.lifespanH.value, reservedShare: 1, source: `${sourceText(catalog, inst.fieldSources?.embodiedKg ?? inst.sourceId)}; ${lifespan}` },
      // AWS EC2 Linux and Compute Engine bill per second after a 60 s minimum (core/cost/billing.ts).
      billingMinimumS: inst.provider === 'azure' ? undefined : 60,
      notes: noHost ? TPU_HOST_NOTE : undefined,
    });
  }
  offerCache.set(catalog, offers);
  return offers;
}

/** Where measured runs come from: the Store port satisfies this (getRun, listSamples). */
export interface RunSource {
  getRun(idOrPrefix: string): Promise<RunRecord | null>;
  listSamples?(runId: string): Promise<Sample[]>;
}

export type PlanWorkloadRequest =
  | { kind: 'training'; params: number; tokens: number; mfu?: number; bytesPerParam?: number }
  | { kind: 'accelerator-hours'; hours: number; on: string }
  | { kind: 'run'; runId: string; on?: string };

export interface PlanRequest {
  workload: PlanWorkloadRequest;
  precision?: Precision;
  bound?: 'compute' | 'memory';
  powerUtilization?: number;
  constraints?: PlanConstraints;
  optimize?: Goal;
  /** "<instance>@<region>[:<pricing>]". */
  current?: string;
  /** Where `current` came from, e.g. "your current choice (greenml.config.json)". */
  currentRule?: string;
  /** A lower-priority current choice (from settings), used when neither `current` nor a run's own instance gives one. */
  fallbackCurrent?: { choice: string; rule: string };
  spotOverhead?: number;
  nodes?: number;
  /** vCPUs a CPU run can keep busy at once; default: measured from the run's samples. */
  parallelism?: number;
}

export interface PlanDeps {
  catalog?: PlanCatalog;
  runs?: RunSource;
}

interface Resolved {
  workload: PlanWorkload;
  settings: Partial<PlanSettings>;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The accelerator a run's record names (component labels, sample detail), longest alias first. */
export function acceleratorInText(catalog: PlanCatalog, text: string): Accelerator | null {
  const hay = aliasKey(text);
  let best: { a: Accelerator; len: number } | null = null;
  for (const a of catalog.accelerators) {
    for (const k of acceleratorKeys(a)) {
      if (k.length < 2 || (best && k.length <= best.len)) continue;
      if (new RegExp(`(?<![a-z0-9])${escapeRe(k)}(?![a-z0-9])`).test(hay)) best = { a, len: k.length };
    }
  }
  return best?.a ?? null;
}

async function runWorkload(req: PlanRequest & { workload: { kind: 'run' } }, catalog: PlanCatalog, runs: RunSource | undefined): Promise<Resolved> {
  if (!runs) throw new GreenmlError('INVALID_INPUT', 'Planning from a run needs the run store; none was given.');
  const run = await runs.getRun(req.workload.runId);
  if (!run) throw new GreenmlError('NOT_FOUND', `No run "${req.workload.runId}" in the store. List runs with greenml runs.`);
  if (!(run.durationS > 0)) throw new GreenmlError('INVALID_INPUT', `Run ${run.id} has no measured duration yet; plan from a run that has run for a while.`);
  const inst = run.instance ? catalog.instances.find((i) => key(i.id) === key(run.instance ?? '') || key(i.type) === key(run.instance ?? '')) : undefined;
  const samples = runs.listSamples ? await runs.listSamples(run.id) : [];
  const gpuText = [
    ...(run.footprint?.components ?? []).filter((c) => c.component === 'gpu').flatMap((c) => [c.model, c.detail ?? '']),
    samples.find((s) => s.detail)?.detail ? JSON.stringify(samples.find((s) => s.detail)?.detail) : '',
  ].join(' ');
  const acc = req.workload.on ? findPlanAccelerator(catalog, req.workload.on) : inst?.accelerator ? (catalog.accelerators.find((a) => a.id === inst.accelerator?.id) ?? null) : acceleratorInText(catalog, gpuText);
  const status = run.status === 'succeeded' ? '' : ` (status ${run.status}: the plan scales what was measured)`;
  const settings: Partial<PlanSettings> = {};
  const region = run.location?.region;
  if (inst && region) {
    const hasPrice = catalog.prices.some((p) => p.instance === inst.id && key(p.region) === key(region) && p.pricing === 'on-demand');
    if (hasPrice) {
      settings.current = { instanceType: inst.type, region, pricing: 'on-demand' };
      settings.currentRule = `the run's own instance and region, on-demand (run ${run.id})`;
    }
  }

  if (acc) {
    const counted = /(\d+)\s*x\s/i.exec(gpuText);
    const count = inst?.accelerator && inst.accelerator.id === acc.id ? inst.accelerator.count : counted ? Number(counted[1]) : 1;
    const countNote = inst?.accelerator ? `count from instance ${inst.id}` : counted ? 'count from the run record' : 'count assumed: the run record does not say how many';
    const pa = planAccelerator(catalog, acc, count);
    let powerUtilization = req.powerUtilization;
    let powerBasis: { how: string; source: string } | undefined;
    if (powerUtilization === undefined && run.gpuKwh > 0) {
      const meanBoardW = (run.gpuKwh * 3.6e6) / (run.durationS * count);
      powerUtilization = measuredPowerUtilization(meanBoardW, pa.idleW, pa.tdpW);
      powerBasis = { how: `measured: ${Math.round(meanBoardW)} W mean per board over run ${run.id}, between idle ${Math.round(pa.idleW)} W and TDP ${pa.tdpW} W`, source: `run ${run.id} GPU energy (${run.footprint?.components.find((c) => c.component === 'gpu')?.method ?? 'measured'})` };
    }
    const hours = (run.durationS * count) / 3600;
    const w: AcceleratorWorkload = acceleratorHoursWorkload({
      acceleratorHours: hours,
      reference: pa,
      precision: req.precision,
      bound: req.bound,
      powerUtilization,
      powerBasis,
      label: `run ${run.id}${status}: ${Number(hours.toPrecision(4))} board-hours on ${count} x ${acc.name} (${countNote})`,
    });
    w.assumptions.unshift({ id: 'run', text: `Measured run ${run.id}: ${Math.round(run.durationS)} s on ${count} x ${acc.name} (${countNote})${status}`, source: `greenml run ${run.id}` });
    settings.preferAcceleratorId = acc.id;
    return { workload: w, settings };
  }
  if (run.gpuKwh > 0) {
    throw new GreenmlError('INVALID_INPUT', `Run ${run.id} used a GPU, but its record does not say which: pass --on <accelerator> (e.g. --on a100-80gb).`);
  }
  let coreSeconds = 0;
  const busy: number[] = [];
  for (const s of samples) {
    if (s.cpuCores === null) continue;
    coreSeconds += s.cpuCores * s.dtS;
    busy.push(s.cpuCores);
  }
  // The parallelism the job showed: the 90th percentile of busy vCPUs per sample, rounded up, so a
  // single-threaded trainer is not credited with running 32x faster on a 32-vCPU instance.
  busy.sort((a, b) => a - b);
  const p90 = busy.length ? (busy[Math.min(busy.length - 1, Math.floor(0.9 * busy.length))] as number) : 0;
  const measuredParallelism = req.parallelism ?? (busy.length ? Math.max(1, Math.ceil(p90 - 0.05)) : null);
  let vcpuHours = coreSeconds / 3600;
  let how = `measured: mean ${(coreSeconds / run.durationS).toFixed(2)} busy vCPUs over ${Math.round(run.durationS)} s`;
  if (!(vcpuHours > 0) && inst?.vcpus) {
    vcpuHours = (inst.vcpus * run.durationS) / 3600;
    how = `assumed: all ${inst.vcpus} vCPUs of ${inst.id} busy for ${Math.round(run.durationS)} s`;
  }
  if (!(vcpuHours > 0)) {
    throw new GreenmlError('INVALID_INPUT', `Run ${run.id} has no GPU energy and its samples record no CPU use, so it cannot be scaled to other instances. Plan with --gpu-hours H --on <accelerator> instead.`);
  }
  const w = cpuWorkload({
    vcpuHours,
    maxParallelism: measuredParallelism,
    label: `run ${run.id}${status}: ${Number(vcpuHours.toPrecision(4))} vCPU-hours (CPU only${measuredParallelism ? `, up to ${measuredParallelism} vCPU${measuredParallelism > 1 ? 's' : ''} busy at once` : ''})`,
  });
  w.assumptions.unshift({ id: 'run', text: `Measured run ${run.id}: ${Number(vcpuHours.toPrecision(4))} vCPU-hours (${how})${status}`, source: `greenml run ${run.id}` });
  return { workload: w, settings };
}

async function resolveWorkload(req: PlanRequest, catalog: PlanCatalog, runs: RunSource | undefined): Promise<Resolved> {
  const w = req.workload;
  if (w.kind === 'training') {
    if (req.bound === 'memory') throw new GreenmlError('INVALID_INPUT', '--bound memory needs --from-run or --gpu-hours: 6 x N x D counts FLOPs, so --params/--tokens work is compute-bound.');
    return { workload: trainingWorkload({ params: w.params, tokens: w.tokens, mfu: w.mfu, precision: req.precision, bytesPerParam: w.bytesPerParam, powerUtilization: req.powerUtilization }), settings: {} };
  }
  if (w.kind === 'accelerator-hours') {
    const acc = findPlanAccelerator(catalog, w.on);
    const workload = acceleratorHoursWorkload({ acceleratorHours: w.hours, reference: planAccelerator(catalog, acc, 1), precision: req.precision, bound: req.bound, powerUtilization: req.powerUtilization });
    return { workload, settings: { preferAcceleratorId: acc.id } };
  }
  return runWorkload({ ...req, workload: w }, catalog, runs);
}

/** Plans a workload over every offer of the catalog (the bundled one unless deps.catalog is given). */
export async function planWorkload(req: PlanRequest, deps: PlanDeps = {}): Promise<PlanResult> {
  const catalog = deps.catalog ?? bundledPlanCatalog();
  const { workload, settings } = await resolveWorkload(req, catalog, deps.runs);
  const providers = req.constraints?.providers;
  if (providers) {
    const known = [...new Set(catalog.instances.map((i) => i.provider))] as string[];
    for (const p of providers) {
      if (!known.includes(key(p))) throw new GreenmlError('INVALID_INPUT', `Unknown provider "${p}": the catalog has ${known.sort().join(', ')}.`);
    }
  }
  if (req.optimize) settings.optimize = req.optimize;
  if (req.current) {
    settings.current = parseChoice(req.current);
    settings.currentRule = req.currentRule;
  } else if (!settings.current && req.fallbackCurrent) {
    settings.current = parseChoice(req.fallbackCurrent.choice);
    settings.currentRule = req.fallbackCurrent.rule;
  }
  if (req.spotOverhead !== undefined) settings.spotOverhead = req.spotOverhead;
  if (req.nodes !== undefined) settings.nodes = req.nodes;
  let offers = offersFromCatalog(catalog);
  if (req.workload.kind === 'training') {
    offers = offers.filter((o) => !INFERENCE_ONLY.test(o.accelerator?.id ?? ''));
    workload.assumptions.push({ id: 'training-hardware', text: 'Inference-only accelerators (AWS Inferentia) are left out of training plans', source: 'AWS EC2 Inf2 and Trn1 product pages (2024): Inferentia2 for inference, Trainium for training' });
  }
  return planOffers(offers, workload, req.constraints ?? {}, settings);
}
