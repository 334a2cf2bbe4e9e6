/**
 * The Pareto front on (cost, carbon, time), all minimised. An option is on the front when no other
 * option is at least as good on all three and strictly better on one. Options equal on all three
 * do not dominate each other, so both stay.
 *
 * Method: sort lexicographically by (cost, carbon, time); any dominator of an option sorts before
 * it, and by transitivity an option dominated by anything is dominated by a front member, so each
 * option is checked against the front built so far: O(n log n + n x front size).
 */

export interface Objectives {
  costUsd: ArrayLike<number>;
  totalG: ArrayLike<number>;
  durationS: ArrayLike<number>;
}

/** True when option a dominates option b. */
export function dominates(m: Objectives, a: number, b: number): boolean {
  const ca = m.costUsd[a] as number, cb = m.costUsd[b] as number;
  const ga = m.totalG[a] as number, gb = m.totalG[b] as number;
  const ta = m.durationS[a] as number, tb = m.durationS[b] as number;
  return ca <= cb && ga <= gb && ta <= tb && (ca < cb || ga < gb || ta < tb);
}

/** Indices (from `candidates`) on the Pareto front, in ascending cost order. */
export function paretoFront(m: Objectives, candidates: ArrayLike<number>): number[] {
  const { costUsd: c, totalG: g, durationS: t } = m;
  const order = Int32Array.from(candidates as ArrayLike<number>);
  order.sort((a, b) => (c[a] as number) - (c[b] as number) || (g[a] as number) - (g[b] as number) || (t[a] as number) - (t[b] as number) || a - b);
  const front: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    const ci = c[i] as number, gi = g[i] as number, ti = t[i] as number;
    let dominated = false;
    for (let f = 0; f < front.length; f++) {
      const j = front[f] as number;
      const cj = c[j] as number, gj = g[j] as number, tj = t[j] as number;
      if (cj <= ci && gj <= gi && tj <= ti && (cj < ci || gj < gi || tj < ti)) {
        dominated = true;
        break;
      }
    }
    if (!dominated) front.push(i);
  }
  return front;
}
