/**
 * `planOffers`: evaluate every offer for a workload, apply the constraints in a fixed order, find
 * the Pareto front on (cost, carbon, time), rank, and explain one recommendation per goal against
 * the user's current choice (or a stated default).
 */
import { GreenmlError } from '../errors.js';
import { requireNonNegative, requirePositive } from '../energy/validate.js';
import { closestMatches } from '../suggest.js';
import { ASSUMPTION_SOURCES, DEFAULT_CURRENT_REGION, DEFAULT_SPOT_OVERHEAD } from './defaults.js';
import { FEASIBLE, evaluateOffers, regionKey, type Evaluation } from './evaluate.js';
import { matchesChoice, optionId } from './ids.js';
import { infeasibleError } from './infeasible.js';
import { paretoFront } from './pareto.js';
import { balancedScores, bestOf, comparatorFor, recommend } from './rank.js';
import { boardRate } from './workload.js';
import {
  CONSTRAINT_STAGES,
  GOALS,
  type Goal,
  type PlanAssumption,
  type PlanConstraints,
  type PlanCurrent,
  type PlanOffer,
  type PlanOption,
  type PlanResult,
  type PlanSettings,
  type PlanWorkload,
} from './types.js';

const pct = (x: number): string => `${Number((x * 100).toPrecision(3))} %`;
const NO_NOTES: readonly string[] = Object.freeze([]);
const COMMITMENT_H: Record<string, number> = { 'reserved-1y': 8760, 'reserved-3y': 26_280 };

/**
 * Notice before a spot instance is reclaimed: AWS 2 minutes (EC2 Spot interruption notices), GCP
 * Spot VMs 30 s (preemption notice), Azure Spot VMs 30 s (Scheduled Events), as documented in 2025.
 */
const SPOT_NOTICE: Record<string, string> = { aws: '2 min notice', gcp: '30 s notice', azure: '30 s notice' };

export function resolvePlanSettings(s: Partial<PlanSettings>): PlanSettings {
  const optimize = s.optimize ?? 'balanced';
  if (!GOALS.includes(optimize)) throw new GreenmlError('INVALID_INPUT', `Unknown goal "${String(optimize)}": use one of ${GOALS.join(', ')}.`);
  const spotOverhead = requireNonNegative(s.spotOverhead ?? DEFAULT_SPOT_OVERHEAD, 'Spot overhead (fraction of extra time)');
  if (spotOverhead > 5) throw new GreenmlError('INVALID_INPUT', `Spot overhead ${spotOverhead} is a fraction of extra time (0.1 = +10 %); ${spotOverhead} would be +${spotOverhead * 100} %.`);
  const nodes = requirePositive(s.nodes ?? 1, 'Node count');
  if (!Number.isInteger(nodes)) throw new GreenmlError('INVALID_INPUT', `Node count must be a whole number, got ${nodes}.`);
  const defaultRegion = s.defaultRegion ?? DEFAULT_CURRENT_REGION;
  if (!/^[^:]+:[^:]+$/.test(defaultRegion)) throw new GreenmlError('INVALID_INPUT', `Default region "${defaultRegion}" must be provider:region, e.g. aws:us-east-1.`);
  return { ...s, optimize, spotOverhead, nodes, defaultRegion };
}

function validateConstraints(k: PlanConstraints): void {
  if (k.deadlineS !== undefined) requirePositive(k.deadlineS, 'Deadline (s)');
  if (k.budgetUsd !== undefined) requireNonNegative(k.budgetUsd, 'Budget (USD)');
  if (k.minGpuMemoryGb !== undefined) requireNonNegative(k.minGpuMemoryGb, 'Minimum accelerator memory (GB)');
}

/**
 * Ids and notes are memoised per offer object (offers live as long as the catalog and are treated
 * as immutable), so a plan over a cached catalog allocates almost nothing per option.
 */
const ID_CACHE = new WeakMap<PlanOffer, string>();
const NOTES_CACHE = new WeakMap<PlanOffer, { sig: string; notes: readonly string[] }>();

function cachedId(o: PlanOffer): string {
  let id = ID_CACHE.get(o);
  if (id === undefined) {
    id = optionId(o);
    ID_CACHE.set(o, id);
  }
  return id;
}

const thousands = (x: number): string => String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function cachedNotes(o: PlanOffer, w: PlanWorkload, s: PlanSettings, sig: string): readonly string[] {
  const hit = NOTES_CACHE.get(o);
  if (hit && hit.sig === sig) return hit.notes;
  const notes = optionNotes(o, w, s);
  NOTES_CACHE.set(o, { sig, notes });
  return notes;
}

function optionNotes(o: PlanOffer, w: PlanWorkload, s: PlanSettings): readonly string[] {
  const notes: string[] = o.notes ? [...o.notes] : [];
  if (o.pricing === 'spot') {
    const notice = o.interruption ?? `may be reclaimed (${SPOT_NOTICE[o.provider.toLowerCase()] ?? 'short notice'})`;
    notes.push(`spot: ${notice}; assumes checkpointing, time includes +${pct(s.spotOverhead)} for checkpoints and restarts`);
  }
  const commitment = COMMITMENT_H[o.pricing];
  if (commitment !== undefined) {
    notes.push(`${o.pricing}: effective hourly rate of a ${commitment / 8760}-year commitment (${thousands(commitment * o.priceUsdPerHour)} USD per instance); the plan charges only the job's hours`);
  }
  if (w.kind === 'accelerator' && w.bound === 'compute' && o.accelerator) {
    const r = boardRate(o.accelerator, 'compute', w.precision);
    if (r && r.precision !== w.precision) notes.push(`no dense ${w.precision} figure for ${o.accelerator.name}: its ${r.precision} rate is used`);
  }
  return notes.length ? notes : NO_NOTES;
}

function materialise(i: number, ev: Evaluation, offers: readonly PlanOffer[], ids: (string | undefined)[], pareto: Uint8Array, w: PlanWorkload, s: PlanSettings, sig: string): PlanOption {
  const offer = offers[i] as PlanOffer;
  return {
    id: ids[i] ?? cachedId(offer),
    offer,
    durationS: ev.durationS[i] as number,
    itPowerW: ev.itPowerW[i] as number,
    energyKwh: ev.energyKwh[i] as number,
    operationalG: ev.operationalG[i] as number,
    embodiedG: ev.embodiedG[i] as number,
    totalG: ev.totalG[i] as number,
    costUsd: ev.costUsd[i] as number,
    pareto: pareto[i] === 1,
    notes: cachedNotes(offer, w, s, sig),
  };
}

function findCurrent(offers: readonly PlanOffer[], ev: Evaluation, feasible: Int32Array, ids: (string | undefined)[], s: PlanSettings, w: PlanWorkload): { index: number; basis: 'given' | 'default'; rule: string } {
  if (s.current) {
    const c = s.current;
    const index = offers.findIndex((o) => matchesChoice(o, c));
    const text = `${c.instanceType}@${c.region}:${c.pricing}`;
    if (index < 0) {
      const types = [...new Set(offers.map((o) => o.instanceType))];
      const known = types.some((t) => t.toLowerCase() === c.instanceType.toLowerCase());
      const hint = known
        ? ` ${c.instanceType} is priced in: ${[...new Set(offers.filter((o) => o.instanceType.toLowerCase() === c.instanceType.toLowerCase()).map((o) => `${regionKey(o)}:${o.pricing}`))].slice(0, 12).join(', ')}.`
        : closestMatches(c.instanceType, types).length ? ` Did you mean ${closestMatches(c.instanceType, types).join(', ')}?` : '';
      throw new GreenmlError('UNKNOWN_ID', `The current choice ${text} is not in the catalog.${hint}`, { details: { current: text } });
    }
    if (Number.isNaN(ev.durationS[index])) {
      throw new GreenmlError('INVALID_INPUT', `The current choice ${text} cannot run this workload (${w.kind === 'cpu' ? 'it has accelerators; CPU-only work is compared on CPU-only instances' : 'it has no accelerator with the needed throughput figure'}).`);
    }
    return { index, basis: 'given', rule: s.currentRule ?? 'your current choice (--current)' };
  }
  const byCost = comparatorFor('cost', ev, ids, new Float64Array(0));
  const pick = (pred: (o: PlanOffer) => boolean): number => {
    let best = -1;
    for (let k = 0; k < feasible.length; k++) {
      const i = feasible[k] as number;
      if (pred(offers[i] as PlanOffer) && (best < 0 || byCost(i, best) < 0)) best = i;
    }
    return best;
  };
  const region = s.defaultRegion.toLowerCase();
  const colon = region.indexOf(':');
  const [rp, rr] = [region.slice(0, colon), region.slice(colon + 1)];
  const inRegion = (o: PlanOffer): boolean => o.pricing === 'on-demand' && o.region.toLowerCase() === rr && o.provider.toLowerCase() === rp;
  const tries: [(o: PlanOffer) => boolean, string][] = [];
  if (s.preferAcceleratorId) {
    const acc = s.preferAcceleratorId;
    tries.push([(o) => inRegion(o) && o.accelerator?.id === acc, `the cheapest feasible on-demand instance with ${acc} in ${s.defaultRegion}`]);
  }
  tries.push(
    [inRegion, `the cheapest feasible on-demand option in ${s.defaultRegion}`],
    [(o) => o.pricing === 'on-demand', `the cheapest feasible on-demand option (none in ${s.defaultRegion})`],
    [() => true, 'the cheapest feasible option (no feasible on-demand option)'],
  );
  for (const [pred, rule] of tries) {
    const index = pick(pred);
    if (index >= 0) return { index, basis: 'default', rule: `default: ${rule}; pass --current <instance>@<region>[:<pricing>] to compare with your own` };
  }
  throw new GreenmlError('INTERNAL', 'No feasible option to use as the current choice.');
}

function planAssumptions(w: PlanWorkload, s: PlanSettings, offers: readonly PlanOffer[], current: PlanCurrent): PlanAssumption[] {
  const out: PlanAssumption[] = [...w.assumptions];
  out.push(
    { id: 'host-power', text: `Host: vCPUs x CCF min/max W per vCPU at ${pct(w.cpuUtilization)} utilisation + 0.392 W per GB of instance memory`, source: ASSUMPTION_SOURCES.host, year: 2021 },
    { id: 'facility', text: 'Facility energy = IT energy x the region\'s PUE; operational CO2e = energy x the region\'s annual grid intensity (sources and years per option)', source: 'catalog (per offer)' },
    { id: 'embodied', text: 'Embodied CO2e per SCI: platform embodied x reserved share x time / lifespan (per offer)', source: 'Green Software Foundation SCI, ISO/IEC 21031:2024; catalog embodied defaults' },
    { id: 'spot-overhead', text: `Spot options assume checkpointing and take ${pct(s.spotOverhead)} longer (checkpoints, lost work, restarts); change with --spot-overhead`, value: s.spotOverhead, unit: 'fraction of time', source: s.spotOverhead === DEFAULT_SPOT_OVERHEAD ? ASSUMPTION_SOURCES.spot : 'user (--spot-overhead)' },
    { id: 'reserved', text: 'Reserved prices are the effective hourly rate of a 1- or 3-year commitment; the plan charges only the job\'s hours, which is fair only if the reservation is used for the rest of its term', source: 'greenml pricing semantics (docs/planning.md)' },
    { id: 'pareto', text: 'Pareto front on (cost, CO2e, time), all minimised; balanced = lowest geometric mean of the three ratios to the best of each', source: 'greenml ranking rule (docs/planning.md)' },
    { id: 'current', text: `Baseline for the ratios: ${current.option.id} (${current.rule})`, source: current.basis === 'given' ? 'user' : 'greenml default (docs/planning.md)' },
  );
  if (s.nodes > 1) out.push({ id: 'nodes', text: `Spread over ${s.nodes} identical instances with linear scaling (the MFU is assumed to hold across nodes)`, value: s.nodes, unit: 'instances', source: 'user (--nodes)' });
  let lo = '', hi = '';
  for (const o of offers) {
    const d = o.priceObservedAt;
    if (!d) continue;
    if (!lo || d < lo) lo = d;
    if (!hi || d > hi) hi = d;
  }
  if (lo) out.push({ id: 'prices', text: `List prices observed ${lo === hi ? `on ${lo}` : `between ${lo} and ${hi}`}; prices change (spot hourly), check before you buy`, source: 'catalog' });
  return out;
}

export function planOffers(offers: readonly PlanOffer[], workload: PlanWorkload, constraints: PlanConstraints = {}, settings: Partial<PlanSettings> = {}): PlanResult {
  const s = resolvePlanSettings(settings);
  validateConstraints(constraints);
  const ev = evaluateOffers(offers, workload, constraints, s);

  const failedHist = new Int32Array(CONSTRAINT_STAGES.length);
  let feasibleCount = 0;
  for (let i = 0; i < ev.n; i++) {
    const f = ev.failedAt[i] as number;
    if (f === FEASIBLE) feasibleCount++;
    else failedHist[f] = (failedHist[f] as number) + 1;
  }
  const remaining: number[] = [];
  let left = ev.n;
  for (let k = 0; k < CONSTRAINT_STAGES.length; k++) {
    left -= failedHist[k] as number;
    remaining.push(left);
  }
  if (feasibleCount === 0) throw infeasibleError(ev, offers, workload, constraints, s, remaining);

  const feasible = new Int32Array(feasibleCount);
  const ids: (string | undefined)[] = new Array<string | undefined>(ev.n);
  for (let i = 0, k = 0; i < ev.n; i++) {
    if (ev.failedAt[i] !== FEASIBLE) continue;
    feasible[k++] = i;
    ids[i] = cachedId(offers[i] as PlanOffer);
  }

  // Everything an option's notes depend on besides the offer itself.
  const sig = `${workload.kind === 'accelerator' ? `${workload.bound}|${workload.precision}` : 'cpu'}|${s.spotOverhead}`;
  const front = paretoFront(ev, feasible);
  const pareto = new Uint8Array(ev.n);
  for (const i of front) pareto[i] = 1;
  const scores = balancedScores(ev, feasible);

  const order = Int32Array.from(feasible).sort(comparatorFor(s.optimize, ev, ids, scores));
  const options: PlanOption[] = new Array<PlanOption>(order.length);
  const byIndex = new Array<PlanOption | undefined>(ev.n);
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    const opt = materialise(i, ev, offers, ids, pareto, workload, s, sig);
    options[k] = opt;
    byIndex[i] = opt;
  }

  const cur = findCurrent(offers, ev, feasible, ids, s, workload);
  const curOption = byIndex[cur.index] ?? materialise(cur.index, ev, offers, ids, pareto, workload, s, sig);
  const failed = ev.failedAt[cur.index] as number;
  const current: PlanCurrent = { option: curOption, basis: cur.basis, rule: cur.rule, excludedBy: failed === FEASIBLE ? null : (CONSTRAINT_STAGES[failed] ?? null) };
  const currentLabel = current.excludedBy ? `the current choice (excluded by ${current.excludedBy})` : 'the current choice';

  const goals: Goal[] = [s.optimize, ...GOALS.filter((g) => g !== s.optimize)];
  const recommendations = goals.map((goal) => {
    const best = goal === s.optimize ? (order[0] as number) : bestOf(feasible, comparatorFor(goal, ev, ids, scores));
    return recommend(goal, byIndex[best] as PlanOption, curOption, currentLabel);
  });

  return {
    workload: { kind: workload.kind, label: workload.label },
    optimize: s.optimize,
    evaluated: ev.n,
    remaining: CONSTRAINT_STAGES.map((stage, k) => ({ stage, count: remaining[k] as number })),
    options,
    paretoIds: front.map((i) => ids[i] as string),
    current,
    recommendations,
    assumptions: planAssumptions(workload, s, offers, current),
  };
}
