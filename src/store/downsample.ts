/**
 * Indices of `count` items spread evenly over `total` items, first and last included: what a chart
 * needs from a long series. Returns every index when total <= count.
 */
export function evenIndices(total: number, count: number): number[] {
  if (total <= count) return Array.from({ length: total }, (_, i) => i);
  if (count <= 1) return total > 0 ? [total - 1] : [];
  const out: number[] = [];
  // Spacing is >= 1 when total > count, so rounded indices are distinct and increasing.
  for (let i = 0; i < count; i++) out.push(Math.round((i * (total - 1)) / (count - 1)));
  return out;
}
