/**
 * Ordering of options per goal and the recommendation sentences. Each single-metric goal takes the
 * lexicographic minimum (its metric first, then cost, carbon, time), which is always on the Pareto
 * front. `balanced` minimises the sum of log(metric / best of that metric) over cost, carbon and
 * time, i.e. the geometric mean of the three ratios to the best: scale-free (dollars, grams and
 * seconds weigh the same), and a dominated option always scores worse than its dominator, so the
 * balanced pick is on the front too.
 */
import { formatDurationS, formatMassG, formatUsd } from '../format.js';
import type { Evaluation } from './evaluate.js';
import type { Goal, PlanOption, Recommendation } from './types.js';

export type Comparator = (a: number, b: number) => number;

/** log(x / min) with a floor when the best value is 0 (a zero-carbon grid, a free offer). */
function logRatios(v: Float64Array, idx: ArrayLike<number>, out: Float64Array): void {
  let min = Infinity;
  let max = 0;
  for (let k = 0; k < idx.length; k++) {
    const x = v[idx[k] as number] as number;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const floor = min > 0 ? 0 : Math.max(max * 1e-9, 1e-12);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k] as number;
    out[i] = (out[i] as number) + Math.log(((v[i] as number) + floor) / (min + floor));
  }
}

/** Balanced score per option index (0 = best on every metric); NaN outside `idx`. */
export function balancedScores(ev: Evaluation, idx: ArrayLike<number>): Float64Array {
  const s = new Float64Array(ev.n).fill(NaN);
  for (let k = 0; k < idx.length; k++) s[idx[k] as number] = 0;
  logRatios(ev.costUsd, idx, s);
  logRatios(ev.totalG, idx, s);
  logRatios(ev.durationS, idx, s);
  return s;
}

export function comparatorFor(goal: Goal, ev: Evaluation, ids: readonly (string | undefined)[], scores: Float64Array): Comparator {
  const c = ev.costUsd, g = ev.totalG, t = ev.durationS;
  const tie = (a: number, b: number): number => ((ids[a] ?? '') < (ids[b] ?? '') ? -1 : (ids[a] ?? '') > (ids[b] ?? '') ? 1 : 0);
  const d = (v: Float64Array, a: number, b: number): number => (v[a] as number) - (v[b] as number);
  switch (goal) {
    case 'cost':
      return (a, b) => d(c, a, b) || d(g, a, b) || d(t, a, b) || tie(a, b);
    case 'carbon':
      return (a, b) => d(g, a, b) || d(c, a, b) || d(t, a, b) || tie(a, b);
    case 'time':
      return (a, b) => d(t, a, b) || d(c, a, b) || d(g, a, b) || tie(a, b);
    case 'balanced':
      return (a, b) => d(scores, a, b) || d(c, a, b) || d(g, a, b) || d(t, a, b) || tie(a, b);
  }
}

/** Index of the best option in `idx` under `cmp`. */
export function bestOf(idx: ArrayLike<number>, cmp: Comparator): number {
  let best = idx[0] as number;
  for (let k = 1; k < idx.length; k++) {
    const i = idx[k] as number;
    if (cmp(i, best) < 0) best = i;
  }
  return best;
}

const times = (r: number): string => `${Number(r.toPrecision(r >= 10 ? 3 : 2))}×`;
const percent = (x: number): string => `${Math.round(x * 100)} %`;

/** "24× less CO2e", "12 % more time", "the same cost": r = option / current. */
export function changePhrase(r: number, metric: 'carbon' | 'cost' | 'time'): string {
  const noun = metric === 'carbon' ? 'CO2e' : metric;
  if (!Number.isFinite(r)) return `a ${noun} that cannot be compared (the current choice has none)`;
  if (Math.abs(r - 1) < 0.005) return `the same ${noun}`;
  if (r < 1) {
    if (r <= 0.5) return metric === 'cost' ? `${times(1 / r)} cheaper` : metric === 'time' ? `${times(1 / r)} faster` : `${times(1 / r)} less CO2e`;
    return metric === 'cost' ? `${percent(1 - r)} cheaper` : `${percent(1 - r)} less ${noun}`;
  }
  if (r >= 2) return `${times(r)} the ${noun}`;
  return metric === 'cost' ? `${percent(r - 1)} more expensive` : `${percent(r - 1)} more ${noun}`;
}

const TITLES: Record<Goal, string> = {
  carbon: 'Lowest carbon',
  cost: 'Lowest cost',
  time: 'Fastest',
  balanced: 'Best balance of cost, carbon and time',
};

const ALREADY: Record<Goal, string> = {
  carbon: 'already has the lowest emissions',
  cost: 'is already the cheapest',
  time: 'is already the fastest',
  balanced: 'is already the best balance of cost, carbon and time',
};

export function recommend(goal: Goal, option: PlanOption, current: PlanOption, currentLabel: string): Recommendation {
  const ratios = {
    costUsd: option.costUsd / current.costUsd,
    totalG: option.totalG / current.totalG,
    durationS: option.durationS / current.durationS,
  };
  const sentence =
    option.id === current.id
      ? `${TITLES[goal]}: ${currentLabel} ${current.id} ${ALREADY[goal]} of the feasible options (${formatMassG(option.totalG)} CO2e, ${formatUsd(option.costUsd)}, ${formatDurationS(option.durationS)}).`
      : `${TITLES[goal]}: ${option.id}, against ${currentLabel} ${current.id}: ` +
        `${changePhrase(ratios.totalG, 'carbon')} (${formatMassG(option.totalG)} vs ${formatMassG(current.totalG)}), ` +
        `${changePhrase(ratios.costUsd, 'cost')} (${formatUsd(option.costUsd)} vs ${formatUsd(current.costUsd)}) and ` +
        `${changePhrase(ratios.durationS, 'time')} (${formatDurationS(option.durationS)} vs ${formatDurationS(current.durationS)}).`;
  return { goal, option, ratios, sentence };
}
