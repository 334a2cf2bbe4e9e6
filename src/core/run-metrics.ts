/** What a run's logged metrics came to: the value each ended with, as `greenml runs compare` and the dashboard show it. */
import type { MetricPoint } from './records.js';

/** The last value of each metric key: the point with the highest step, the latest on a tie (points without a step come first). */
export function finalMetrics(points: readonly MetricPoint[]): Record<string, number> {
  const best = new Map<string, MetricPoint>();
  for (const p of points) {
    const cur = best.get(p.key);
    if (!cur || (p.step ?? -Infinity) > (cur.step ?? -Infinity) || ((p.step ?? -Infinity) === (cur.step ?? -Infinity) && p.t >= cur.t)) best.set(p.key, p);
  }
  return Object.fromEntries([...best].map(([k, p]) => [k, p.value]));
}
