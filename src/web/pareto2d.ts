/**
 * The Pareto front of runs on two axes: a cost to minimise (energy or emissions) and a score to
 * maximise (accuracy) or minimise (loss). A run is on the front when no other run is at least as
 * good on both and strictly better on one. Pure: no DOM.
 */
export interface Scored {
  cost: number;
  score: number;
}

/** Indices of the points on the front, in ascending cost. */
export function paretoFront2d(points: readonly Scored[], higherIsBetter: boolean): number[] {
  const sign = higherIsBetter ? 1 : -1;
  const order = points
    .map((_, i) => i)
    .filter((i) => Number.isFinite(points[i]?.cost) && Number.isFinite(points[i]?.score))
    .sort((a, b) => {
      const pa = points[a] as Scored, pb = points[b] as Scored;
      return pa.cost - pb.cost || sign * (pb.score - pa.score) || a - b;
    });
  const front: number[] = [];
  let best = -Infinity;
  let bestCost = NaN;
  for (const i of order) {
    const p = points[i] as Scored;
    const s = sign * p.score;
    // Equal on both axes: neither dominates the other, so both stay.
    if (s > best || (s === best && p.cost === bestCost)) {
      front.push(i);
      best = s;
      bestCost = p.cost;
    }
  }
  return front;
}
