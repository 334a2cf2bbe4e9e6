/**
 * The INFEASIBLE error: which constraint removed the last options, how many each earlier one left,
 * and the nearest miss (the fastest option a deadline removed, the cheapest a budget removed...), so
 * the user knows what to relax and by how much.
 */
import { GreenmlError } from '../errors.js';
import { formatDurationS, formatUsd } from '../format.js';
import { closestMatches } from '../suggest.js';
import { STAGE, regionKey, type Evaluation } from './evaluate.js';
import { CONSTRAINT_STAGES, type PlanConstraints, type PlanOffer, type PlanSettings, type PlanWorkload } from './types.js';
import { optionId } from './ids.js';

const gb = (x: number): string => `${Number(x.toPrecision(4))} GB`;
const count = (x: number): string => x.toLocaleString('en-US');
const v = (c: number, plural: string, singular: string): string => (c === 1 ? singular : plural);
const list = (xs: readonly string[]): string => xs.join(', ');
const distinct = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();
function countRange(k: PlanConstraints): string {
  const { min, max } = k.acceleratorCount ?? {};
  if (min !== undefined && max !== undefined) return min === max ? `exactly ${min}` : `${min} to ${max}`;
  return min !== undefined ? `at least ${min}` : `at most ${max ?? 'any number of'}`;
}

function survivorsPhrase(stage: number, c: number, w: PlanWorkload, k: PlanConstraints, nodes: number): string {
  switch (stage) {
    case STAGE.providers:
      return `${count(c)} ${v(c, 'are', 'is')} from ${list(k.providers ?? [])}`;
    case STAGE.regions:
      return `${count(c)} ${v(c, 'are', 'is')} in ${list(k.regions ?? [])}`;
    case STAGE.pricing:
      return `${count(c)} ${v(c, 'are', 'is')} priced ${list(k.pricing ?? [])}`;
    case STAGE.hardware:
      return w.kind === 'cpu' ? `${count(c)} ${v(c, 'are CPU-only instances', 'is a CPU-only instance')}` : `${count(c)} ${v(c, 'have', 'has')} accelerators with a ${w.bound === 'memory' ? 'memory bandwidth figure' : `dense ${w.precision} figure (or its fallback)`}`;
    case STAGE.acceleratorCount:
      return `${count(c)} ${v(c, 'have', 'has')} ${countRange(k)} accelerators`;
    case STAGE.minGpuMemory:
      return `${count(c)} ${v(c, 'have', 'has')} at least ${gb(k.minGpuMemoryGb ?? 0)} per accelerator`;
    case STAGE.modelMemory:
      return `${count(c)} ${v(c, 'hold', 'holds')} ${gb(w.kind === 'accelerator' ? w.minTotalMemoryGb : 0)} of model state${nodes > 1 ? ` on ${nodes} nodes` : ''}`;
    default:
      return `${count(c)} ${v(c, 'finish', 'finishes')} within ${formatDurationS(k.deadlineS ?? 0)}`;
  }
}

/** Index with the smallest (or largest) value of `key` among options that failed at `stage`. */
function extreme(ev: Evaluation, stage: number, key: (i: number) => number, largest = false): number {
  let best = -1;
  for (let i = 0; i < ev.n; i++) {
    if (ev.failedAt[i] !== stage) continue;
    const v = key(i);
    if (best < 0 || (largest ? v > key(best) : v < key(best))) best = i;
  }
  return best;
}

function killerPhrase(stage: number, removed: number, ev: Evaluation, offers: readonly PlanOffer[], w: PlanWorkload, k: PlanConstraints, nodes: number): string {
  const last = `removed the last ${count(removed)}`;
  const id = (i: number): string => optionId(offers[i] as PlanOffer);
  switch (stage) {
    case STAGE.providers:
      return `the provider filter (${list(k.providers ?? [])}) removed all ${count(removed)}; the catalog has ${list(distinct(offers.map((o) => o.provider)))}`;
    case STAGE.regions: {
      const known = distinct(offers.map(regionKey));
      const near = distinct((k.regions ?? []).flatMap((r) => closestMatches(r, known)));
      return `the region filter (${list(k.regions ?? [])}) ${last}${near.length ? ` (closest known: ${list(near)})` : ''}`;
    }
    case STAGE.pricing:
      return `the pricing filter (${list(k.pricing ?? [])}) ${last}; those options are priced ${list(distinct(offers.filter((_, i) => ev.failedAt[i] === STAGE.pricing).map((o) => o.pricing)))}`;
    case STAGE.hardware:
      return w.kind === 'cpu'
        ? `none of those ${count(removed)} is a CPU-only instance, which CPU-only work needs (the catalog may have no CPU-only instance types)`
        : `none of those ${count(removed)} has accelerators with a ${w.bound === 'memory' ? 'memory bandwidth' : `dense ${w.precision} (or fallback)`} figure; try another --precision`;
    case STAGE.acceleratorCount: {
      const counts = distinct(offers.filter((_, j) => ev.failedAt[j] === stage && offers[j]?.accelerator).map((o) => String(o.accelerator?.count))).map(Number).sort((a, b) => a - b);
      return `the accelerator count (${countRange(k)} per instance) ${last}${counts.length ? `: those have ${counts.join(', ')}` : ''}`;
    }
    case STAGE.minGpuMemory: {
      const i = extreme(ev, stage, (j) => offers[j]?.accelerator?.memoryGb ?? 0, true);
      const most = i >= 0 ? offers[i]?.accelerator?.memoryGb ?? 0 : 0;
      return `the minimum of ${gb(k.minGpuMemoryGb ?? 0)} per accelerator ${last}: the most any of them has is ${gb(most)}${i >= 0 && most > 0 ? ` (${id(i)})` : ''}`;
    }
    case STAGE.modelMemory: {
      const total = (j: number): number => nodes * (offers[j]?.accelerator?.count ?? 0) * (offers[j]?.accelerator?.memoryGb ?? 0);
      const i = extreme(ev, stage, total, true);
      const need = w.kind === 'accelerator' ? w.minTotalMemoryGb : 0;
      return `the model-state memory check (${gb(need)} across the instance's accelerators) ${last}: the most any of them holds is ${gb(i >= 0 ? total(i) : 0)}${i >= 0 ? ` (${id(i)})` : ''}; use more --nodes, or lower --bytes-per-param if you shard or offload differently`;
    }
    case STAGE.deadline: {
      const i = extreme(ev, stage, (j) => ev.durationS[j] as number);
      return `the deadline of ${formatDurationS(k.deadlineS ?? 0)} ${last}: the fastest of them, ${id(i)}, takes ${formatDurationS(ev.durationS[i] as number)} (spreading the work over more instances with --nodes divides the time)`;
    }
    default: {
      const i = extreme(ev, stage, (j) => ev.costUsd[j] as number);
      return `the budget of ${formatUsd(k.budgetUsd ?? 0)} ${last}: the cheapest of them, ${id(i)}, costs ${formatUsd(ev.costUsd[i] as number)}`;
    }
  }
}

export function infeasibleError(ev: Evaluation, offers: readonly PlanOffer[], workload: PlanWorkload, constraints: PlanConstraints, settings: Pick<PlanSettings, 'nodes'>, remaining: readonly number[]): GreenmlError {
  if (ev.n === 0) return new GreenmlError('INFEASIBLE', 'No option to plan: the catalog gave no instance with a price. Check the catalog or the --providers filter.');
  let killer = remaining.findIndex((c) => c === 0);
  if (killer < 0) killer = remaining.length - 1;
  const before = killer === 0 ? ev.n : (remaining[killer - 1] as number);
  const chain: string[] = [];
  let prev = ev.n;
  for (let s = 0; s < killer; s++) {
    const c = remaining[s] as number;
    if (c < prev) chain.push(survivorsPhrase(s, c, workload, constraints, settings.nodes));
    prev = c;
  }
  const killed = killerPhrase(killer, before, ev, offers, workload, constraints, settings.nodes);
  const lead = `No option satisfies the constraints: of ${count(ev.n)} options, ${chain.length ? `${chain.join(', ')}, and ${killed}` : killed}.`;
  return new GreenmlError('INFEASIBLE', lead, {
    details: {
      stage: CONSTRAINT_STAGES[killer],
      evaluated: ev.n,
      remaining: CONSTRAINT_STAGES.map((stage, i) => ({ stage, count: remaining[i] })),
    },
  });
}
