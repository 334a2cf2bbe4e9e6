/**
 * "Did you mean" suggestions for unknown ids (regions, hardware, zones). Case-insensitive edit
 * distance, with a bonus for candidates that contain the typed text, so "a100" finds
 * "nvidia-a100-sxm4-80gb" and "europe-west" finds "gcp:europe-west4".
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

export function closestMatches(input: string, candidates: readonly string[], limit = 3): string[] {
  const q = input.toLowerCase().trim();
  if (!q) return [];
  const scored = candidates.map((c) => {
    const lc = c.toLowerCase();
    const contains = lc.includes(q) ? -1000 + lc.length - q.length : 0;
    // Compare against the best-aligned substring too, so a short query is not drowned by long ids.
    const tail = lc.split(/[:/]/).pop() ?? lc;
    return { c, score: contains || Math.min(editDistance(q, lc), editDistance(q, tail)) };
  });
  const maxUseful = Math.max(3, Math.ceil(q.length / 2));
  return scored
    .filter((s) => s.score < 0 || s.score <= maxUseful)
    .sort((x, y) => x.score - y.score || x.c.localeCompare(y.c))
    .slice(0, limit)
    .map((s) => s.c);
}

/** " Did you mean a, b or c?" or "" when nothing is close. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const m = closestMatches(input, candidates);
  if (m.length === 0) return '';
  const list = m.length === 1 ? m[0] : `${m.slice(0, -1).join(', ')} or ${m[m.length - 1]}`;
  return ` Did you mean ${list}?`;
}
