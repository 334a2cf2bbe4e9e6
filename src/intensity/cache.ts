/**
 * A caching wrapper for any source, on a small cache port that the Store implements with exactly
 * this shape (Store.getIntensity / Store.putIntensity, upserting points by zone, source, kind, t).
 * Provider quotas are real (Carbon Aware SDK issues #397, #124), and a scheduler asks again and again.
 *
 * Freshness without a fetch time in the store:
 *   - history: a value whose interval ended more than ttlMs ago is settled; settled values come
 *     from the cache, only the recent rest is fetched (and stored);
 *   - forecasts are stored under a source label naming the ttl-long bucket they were fetched in
 *     ("… forecast fetched 2025-06-01T10:00Z"), so a forecast is reused within its bucket and
 *     fetched again in the next one: never older than ttlMs, and each issue stays auditable;
 *   - current values of the last ttlMs are memoised in memory (long-lived agents), older ones come
 *     from the cache like history.
 */
import { GreenmlError, type IntensityPoint, type IntensitySeries } from '../core/index.js';
import { checkSpan, overlapping, pointAt } from './series-kit.js';
import type { IntensitySource, SourceDescription } from './source.js';
import { isoMinute } from './time.js';

export interface IntensityQuery {
  fromMs: number;
  toMs: number;
  kind?: IntensitySeries['kind'];
  source?: string;
}

/** What cachedSource needs from a store; src/store's Store satisfies it. */
export interface IntensityCache {
  getIntensity(zone: string, query: IntensityQuery): Promise<IntensitySeries | null>;
  putIntensity(series: IntensitySeries): Promise<void>;
}

export interface CacheOptions {
  /** How long a fetched value is trusted, ms. Default: the source's refresh period. */
  ttlMs?: number;
  nowMs: () => number;
}

/** End of the gap-free stretch of points that starts at or before fromMs (fromMs when none does). */
function coveredUntil(points: readonly IntensityPoint[], fromMs: number): number {
  let end = fromMs;
  for (const p of points) {
    if (p.t > end) break;
    end = Math.max(end, p.t + p.durationS * 1000);
  }
  return end;
}

export function cachedSource(source: IntensitySource, cache: IntensityCache, opts: CacheOptions): IntensitySource {
  const name = source.describe().name;
  const ttlMs = opts.ttlMs ?? source.describe().refreshS * 1000;
  const memo = new Map<string, { series: IntensitySeries; fetchedAtMs: number }>();
  const put = async (series: IntensitySeries): Promise<void> => {
    if (series.points.length > 0) await cache.putIntensity(series);
  };

  const history = async (zone: string, fromMs: number, toMs: number): Promise<IntensitySeries> => {
    const settledEnd = Math.min(toMs, Math.floor(opts.nowMs() - ttlMs));
    const cached = settledEnd > fromMs ? await cache.getIntensity(zone, { fromMs: Math.floor(fromMs), toMs: Math.ceil(settledEnd), source: name }) : null;
    const points = cached?.points ?? [];
    // Settled values the cache holds without a gap from fromMs on are reused; the rest is fetched.
    const reuseUntil = Math.min(coveredUntil(points, fromMs), Math.max(settledEnd, fromMs));
    if (cached && reuseUntil >= toMs) return { ...cached, points: overlapping(points, fromMs, toMs) };
    const fresh = await source.history(zone, reuseUntil, toMs);
    await put(fresh);
    const fetched = new Set(fresh.points.map((p) => p.t));
    const kept = points.filter((p) => p.t < reuseUntil && !fetched.has(p.t));
    return { ...fresh, points: overlapping([...kept, ...fresh.points], fromMs, toMs) };
  };

  return {
    id: source.id,
    describe: () => source.describe(),
    async current(zone, atMs) {
      const nowMs = opts.nowMs();
      if (atMs < nowMs - ttlMs) {
        const hit = await cache.getIntensity(zone, { fromMs: Math.floor(atMs), toMs: Math.floor(atMs) + 1, source: name });
        if (hit && hit.points.length > 0) return pointAt(hit, atMs);
      }
      const recent = memo.get(zone);
      if (recent && recent.fetchedAtMs >= nowMs - ttlMs && recent.series.points.some((p) => p.t <= atMs && atMs < p.t + p.durationS * 1000)) {
        return recent.series;
      }
      const series = await source.current(zone, atMs);
      memo.set(zone, { series, fetchedAtMs: nowMs });
      if (series.kind === 'actual') await put(series);
      return series;
    },
    history,
    async forecast(zone, fromMs, toMs) {
      const bucketMs = Math.floor(opts.nowMs() / ttlMs) * ttlMs;
      const label = `${name}, forecast fetched ${isoMinute(bucketMs)}`;
      const hit = await cache.getIntensity(zone, { fromMs: Math.floor(fromMs), toMs: Math.ceil(toMs), kind: 'forecast', source: label });
      if (hit && coveredUntil(hit.points, fromMs) >= toMs) return hit;
      const fresh = await source.forecast(zone, fromMs, toMs);
      if (!fresh) return null;
      const labelled = { ...fresh, source: label };
      if (fresh.kind === 'forecast') await put(labelled);
      return labelled;
    },
  };
}

/**
 * What the cache already holds (imported files, earlier fetches) as a source of its own: history is
 * the (kind, source) with the most points over the span, forecast the freshest-labelled forecast
 * the cache returns, or null. Nothing is fetched.
 */
export function storedSource(cache: IntensityCache): IntensitySource {
  const empty = (zone: string, fromMs: number, toMs: number): Error =>
    new GreenmlError(
      'INFEASIBLE',
      `Nothing stored for zone ${zone} between ${new Date(fromMs).toISOString()} and ${new Date(toMs).toISOString()}. Import a file (greenml intensity import <file> --zone ${zone}) or fetch from a provider (--source).`,
    );
  const history = async (zone: string, fromMs: number, toMs: number): Promise<IntensitySeries> => {
    checkSpan(fromMs, toMs);
    const hit = await cache.getIntensity(zone, { fromMs: Math.floor(fromMs), toMs: Math.ceil(toMs) });
    if (!hit || hit.points.length === 0) throw empty(zone, fromMs, toMs);
    return hit;
  };
  return {
    id: 'store',
    describe: (): SourceDescription => ({ id: 'store', name: 'stored intensity (imports and cached fetches)', signal: 'average', forecasts: false, refreshS: 365 * 86_400 }),
    current: async (zone, atMs) => pointAt(await history(zone, atMs, atMs + 1), atMs),
    history,
    async forecast(zone, fromMs, toMs) {
      checkSpan(fromMs, toMs);
      const hit = await cache.getIntensity(zone, { fromMs: Math.floor(fromMs), toMs: Math.ceil(toMs), kind: 'forecast' });
      return hit && hit.points.length > 0 ? hit : null;
    },
  };
}
