import { describe, expect, it } from 'vitest';
import type { IntensitySeries } from '../core/index.js';
import { replay } from '../../test/fixtures/intensity/replay.js';
import { cachedSource, type IntensityCache, type IntensityQuery } from './cache.js';
import { electricityMapsSource } from './electricitymaps.js';
import { gbCarbonIntensitySource } from './gb-carbon-intensity.js';

const H = 3_600_000;

/**
 * The cache port's semantics as the Store implements them (src/store/intensity.ts): points upserted
 * by (zone, source, kind, t); a query returns the points overlapping [fromMs, toMs) of one
 * (kind, source). The CLI tests run cachedSource against the real SQLite store as well.
 */
class MemoryCache implements IntensityCache {
  readonly rows = new Map<string, { series: Omit<IntensitySeries, 'points'>; t: number; durationS: number; v: number }>();
  async putIntensity(series: IntensitySeries): Promise<void> {
    for (const p of series.points) {
      this.rows.set(JSON.stringify([series.zone, series.source, series.kind, p.t]), { series: { ...series }, t: p.t, durationS: p.durationS, v: p.intensityGPerKwh });
    }
  }
  async getIntensity(zone: string, q: IntensityQuery): Promise<IntensitySeries | null> {
    const hits = [...this.rows.values()]
      .filter((r) => r.series.zone === zone && (q.kind === undefined || r.series.kind === q.kind) && (q.source === undefined || r.series.source === q.source))
      .filter((r) => r.t < q.toMs && r.t + r.durationS * 1000 > q.fromMs)
      .sort((a, b) => a.t - b.t);
    const first = hits[0];
    if (!first) return null;
    return { zone, signal: first.series.signal, kind: first.series.kind, source: first.series.source, points: hits.map((r) => ({ t: r.t, durationS: r.durationS, intensityGPerKwh: r.v })) };
  }
}

describe('cachedSource', () => {
  const emRoutes = [
    { match: /\/history\?zone=ES/, file: 'electricitymaps/history-ES.json' },
    { match: /\/past-range\?zone=ES/, file: 'electricitymaps/past-range-ES.json' },
    { match: /\/forecast\?zone=ES/, file: 'electricitymaps/forecast-ES.json' },
    { match: /\/latest\?zone=ES/, file: 'electricitymaps/latest-ES.json' },
  ];

  it('serves settled history from the cache and fetches only what is recent', async () => {
    let now = Date.UTC(2023, 4, 31, 12);
    const r = replay(emRoutes);
    const cache = new MemoryCache();
    const source = cachedSource(electricityMapsSource({ token: 't', fetch: r.fetch, nowMs: () => now }), cache, { nowMs: () => now });
    const span: [number, number] = [Date.UTC(2023, 4, 30), Date.UTC(2023, 4, 31)];
    const first = await source.history('ES', ...span);
    expect(r.calls).toHaveLength(1);
    expect(cache.rows.size).toBe(24);
    const again = await source.history('ES', ...span);
    expect(r.calls).toHaveLength(1); // all of it settled: no request
    expect(again.points).toEqual(first.points);
    expect(again.source).toBe('Electricity Maps API v3 (lifecycle)');

    now = Date.UTC(2023, 5, 2, 0, 30);
    await source.history('ES', now - 24 * H, now);
    expect(r.calls).toHaveLength(2);
    expect(r.calls[1]!.url.pathname).toMatch(/history$/);
  });

  it('reuses a forecast within its refresh period and labels when it was fetched', async () => {
    let now = Date.UTC(2023, 5, 2, 0, 30);
    const r = replay(emRoutes);
    const cache = new MemoryCache();
    const source = cachedSource(electricityMapsSource({ token: 't', fetch: r.fetch, nowMs: () => now }), cache, { nowMs: () => now, ttlMs: H });
    const a = await source.forecast('ES', Date.UTC(2023, 5, 2), Date.UTC(2023, 5, 2, 12));
    expect(a?.source).toBe('Electricity Maps API v3 (lifecycle), forecast fetched 2023-06-02T00:00Z');
    now += 20 * 60_000;
    const b = await source.forecast('ES', Date.UTC(2023, 5, 2), Date.UTC(2023, 5, 2, 12));
    expect(r.calls).toHaveLength(1);
    expect(b?.points).toEqual(a?.points);
    now += H;
    const c = await source.forecast('ES', Date.UTC(2023, 5, 2), Date.UTC(2023, 5, 2, 12));
    expect(r.calls).toHaveLength(2);
    expect(c?.source).toBe('Electricity Maps API v3 (lifecycle), forecast fetched 2023-06-02T01:00Z');
  });

  it('memoises a current value for the refresh period', async () => {
    const now = Date.UTC(2023, 5, 2, 0, 30);
    const r = replay(emRoutes);
    const source = cachedSource(electricityMapsSource({ token: 't', fetch: r.fetch, nowMs: () => now }), new MemoryCache(), { nowMs: () => now });
    const a = await source.current('ES', now);
    const b = await source.current('ES', now + 60_000);
    expect(b).toEqual(a);
    expect(r.calls).toHaveLength(1);
  });

  it('keeps GB national actuals and regional forecasts apart', async () => {
    const now = Date.UTC(2023, 2, 16);
    const r = replay([{ match: /^\/intensity\/2023-03-14T03:30Z\/2023-03-15T03:30Z$/, file: 'gb/national-range-2023-03-14T0330Z-2023-03-15T0330Z.json' }]);
    const cache = new MemoryCache();
    const source = cachedSource(gbCarbonIntensitySource({ fetch: r.fetch }), cache, { nowMs: () => now });
    const from = Date.UTC(2023, 2, 14, 3, 30);
    await source.history('GB', from, from + 24 * H);
    const cached = await cache.getIntensity('GB', { fromMs: from, toMs: from + 24 * H, kind: 'actual' });
    expect(cached?.points).toHaveLength(45);
    expect(await cache.getIntensity('GB', { fromMs: from, toMs: from + 24 * H, kind: 'forecast' })).toBeNull();
  });
});
