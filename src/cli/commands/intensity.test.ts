import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { countryIntensity } from '../../catalog/index.js';
import { cachedSource, electricityMapsSource, type IntensityCache } from '../../intensity/index.js';
import { openStore, type Store } from '../../store/index.js';
import { fixture, replay } from '../../../test/fixtures/intensity/replay.js';
import { main } from '../program.js';
import { parseWhen, renderShow, resample, runShow, type IntensityDeps } from './intensity.js';

const H = 3_600_000;
const files = join(process.cwd(), 'test/fixtures/intensity/files');
let dir: string;
let db: string;

beforeAll(() => {
  process.env.NO_COLOR = '1';
  delete process.env.GREENML_ELECTRICITYMAPS_TOKEN;
  delete process.env.GREENML_DB;
  dir = mkdtempSync(join(tmpdir(), 'greenml-intensity-'));
  db = join(dir, 'greenml.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    return { code: await main(args), out, err };
  } finally {
    vi.restoreAllMocks();
  }
}

const deps = (nowMs: number, extra: Partial<IntensityDeps> = {}): IntensityDeps => ({ nowMs, env: {}, cwd: dir, openStore: () => openStore(db), ...extra });

describe('greenml intensity import', () => {
  it('stores a checked Electricity Maps export, which show then draws from the store', async () => {
    const imported = await cli(['intensity', 'import', join(files, 'ES_2023-06-01_hourly.csv'), '--db', db]);
    expect(imported.code).toBe(0);
    expect(imported.out).toMatch(/Imported 48 points for ES \(2023-06-01 00:00Z – 2023-06-03 00:00Z, 1h 0m steps, 0 gap\(s\)\)/);
    expect(imported.out).toContain('life-cycle');

    const shown = await cli(['intensity', 'show', 'ES', '--from', '2023-06-01', '--to', '2023-06-03', '--db', db, '--json']);
    expect(shown.code).toBe(0);
    const result = JSON.parse(shown.out);
    const rows = fixture('files/ES_2023-06-01_hourly.csv').trim().split('\n').slice(1).map((l) => Number(l.split(',')[5]));
    expect(result.source.id).toBe('store');
    expect(result.history.points.map((p: { intensityGPerKwh: number }) => p.intensityGPerKwh)).toEqual(rows);
    expect(result.stats.history.meanGPerKwh).toBeCloseTo(rows.reduce((a, b) => a + b, 0) / rows.length, 9);
    expect(result.forecast).toBeNull();
  });

  it('imports nothing from a file with bad lines, lists them and exits 2', async () => {
    const bad = await cli(['intensity', 'import', join(files, 'gb-2023-03-14-forecast-bad-lines.csv'), '--zone', 'GB-TEST', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/3 bad line\(s\); nothing was imported/);
    expect(bad.err).toMatch(/line 4: .*no time zone/);
    expect(bad.err).toMatch(/line 6: .*negative/);
    expect(bad.err).toMatch(/line 8: .*not a number/);
    const nothing = await cli(['intensity', 'show', 'GB-TEST', '--source', 'store', '--from', '2023-03-14', '--to', '2023-03-15', '--db', db]);
    expect(nothing.code).toBe(2);
    expect(nothing.err).toMatch(/Nothing stored for zone GB-TEST/);
  });

  it('asks for a zone when the file does not name one, and reports JSON errors as JSON', async () => {
    const r = await cli(['intensity', 'import', join(files, 'gb-2023-03-14-lwa-format.csv'), '--db', db, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out).error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/--zone/) });
  });
});

describe('greenml intensity show', () => {
  it('draws the catalog annual average with UTC axis labels when asked for static', async () => {
    const r = await cli(['intensity', 'show', 'FR', '--source', 'static', '--from', '2024-01-01T00:00Z', '--to', '2024-01-02T00:00Z', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('FR · greenml catalog annual averages · average signal · gCO2e/kWh');
    expect(r.out).toContain('2024-01-01 00:00Z');
    expect(r.out).toContain('2024-01-02 00:00Z');
    const fr = countryIntensity('FR');
    expect(r.out).toMatch(new RegExp(`static +24 points, 1h 0m steps  min ${Math.round(fr.value)}`));
    const json = JSON.parse((await cli(['intensity', 'show', 'FR', '--source', 'static', '--from', '2024-01-01T00:00Z', '--to', '2024-01-02T00:00Z', '--json'])).out);
    expect(json.stats.history.meanGPerKwh).toBe(fr.value);
    expect(json.history.kind).toBe('static');
  });

  it('falls back to the catalog average when nothing is stored, and says so', async () => {
    const r = await runShow('DE', { from: '-2h', to: '+2h' }, deps(Date.UTC(2024, 5, 1)));
    expect(r.source.id).toBe('static');
    expect(r.notes[0]).toMatch(/Nothing stored/);
  });

  it('reads a live provider through the store cache: a settled span is fetched once', async () => {
    const r = replay([{ match: /^\/intensity\/2023-03-14T03:30Z\/2023-03-15T02:00Z$/, file: 'gb/national-range-2023-03-14T0330Z-2023-03-15T0330Z.json' }]);
    const d = deps(Date.UTC(2023, 2, 16), { fetch: r.fetch });
    const flags = { source: 'gb', from: '2023-03-14T03:30Z', to: '2023-03-15T02:00Z' };
    const first = await runShow('GB', flags, d);
    expect(first.history?.points).toHaveLength(45);
    expect(first.signal).toBe('average');
    const second = await runShow('GB', flags, d);
    expect(r.calls).toHaveLength(1);
    expect(second.history?.points).toEqual(first.history?.points);
  });

  it('shows a provider forecast after now, marked on the axis', async () => {
    const now = Date.UTC(2023, 2, 14, 3, 31);
    const r = replay([{ match: /^\/intensity\/2023-03-14T03:30Z\/fw48h$/, file: 'gb/national-fw48h-2023-03-14T0330Z.json' }]);
    const result = await runShow('GB', { source: 'gb', from: 'now', to: '+24h' }, deps(now, { fetch: r.fetch }));
    expect(result.history).toBeNull();
    expect(result.forecast?.kind).toBe('forecast');
    expect(result.forecast?.source).toBe('GB Carbon Intensity API (NESO; CC BY 4.0), forecast fetched 2023-03-14T03:30Z');
    expect(result.forecast?.points[0]!.t).toBe(Date.UTC(2023, 2, 14, 3, 30));
    const text = await renderShow(result, { width: 90, height: 8 });
    expect(text).toContain('▲ now 2023-03-14 03:31Z');
    expect(text).toMatch(/forecast +49 points, 30m 0s steps/);
  });

  it('reads the Electricity Maps token from GREENML_ELECTRICITYMAPS_TOKEN and sends it as auth-token', async () => {
    const now = Date.UTC(2023, 5, 2, 0, 30);
    const r = replay([{ match: /\/v3\/carbon-intensity\/history\?zone=ES/, file: 'electricitymaps/history-ES.json' }]);
    const result = await runShow('ES', { source: 'electricitymaps', from: '-3h', to: 'now' }, deps(now, { fetch: r.fetch, env: { GREENML_ELECTRICITYMAPS_TOKEN: 'em-token' } }));
    expect(result.history?.points.map((p) => p.t)).toEqual([-3, -2, -1, 0].map((h) => Date.UTC(2023, 5, 2) + h * H));
    expect(result.signal).toBe('average');
    expect(r.calls[0]!.headers['auth-token']).toBe('em-token');
  });

  it('needs credentials for Electricity Maps and says where to put them', async () => {
    const r = await cli(['intensity', 'show', 'DE', '--source', 'electricitymaps', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/GREENML_ELECTRICITYMAPS_TOKEN/);
  });

  it('reads times as ISO 8601 with a zone, dates, now and offsets', async () => {
    const now = Date.UTC(2024, 0, 10, 12);
    expect(await parseWhen('-24h', now, '--from')).toBe(now - 24 * H);
    expect(await parseWhen('+1d12h', now, '--to')).toBe(now + 36 * H);
    expect(await parseWhen('2024-01-01', now, '--from')).toBe(Date.UTC(2024, 0, 1));
    expect(await parseWhen('2024-01-01T10:00+01:00', now, '--from')).toBe(Date.UTC(2024, 0, 1, 9));
    await expect(parseWhen('2024-01-01T10:00', now, '--from')).rejects.toThrow(/no time zone/);
    expect(resample([{ t: 0, durationS: 3600, intensityGPerKwh: 100 }, { t: H, durationS: 3600, intensityGPerKwh: 200 }], 0, 3 * H, 3)).toEqual([100, 200, null]);
  });
});

describe('cachedSource on the real store', () => {
  it('is satisfied by Store and reuses settled history and bucketed forecasts', async () => {
    const store: Store = await openStore(join(dir, 'cache.db'));
    const cache: IntensityCache = store;
    try {
      let now = Date.UTC(2023, 4, 31, 12);
      const r = replay([
        { match: /\/past-range\?zone=ES/, file: 'electricitymaps/past-range-ES.json' },
        { match: /\/forecast\?zone=ES/, file: 'electricitymaps/forecast-ES.json' },
      ]);
      const source = cachedSource(electricityMapsSource({ token: 't', fetch: r.fetch, nowMs: () => now }), cache, { nowMs: () => now });
      const a = await source.history('ES', Date.UTC(2023, 4, 30), Date.UTC(2023, 4, 31));
      const b = await source.history('ES', Date.UTC(2023, 4, 30, 6), Date.UTC(2023, 4, 30, 18));
      expect(r.calls).toHaveLength(1);
      expect(b.points).toEqual(a.points.slice(6, 18));
      now = Date.UTC(2023, 5, 2, 0, 10);
      const f1 = await source.forecast('ES', Date.UTC(2023, 5, 2), Date.UTC(2023, 5, 2, 6));
      const f2 = await source.forecast('ES', Date.UTC(2023, 5, 2), Date.UTC(2023, 5, 2, 6));
      expect(r.calls).toHaveLength(2);
      expect(f2).toEqual(f1);
    } finally {
      await store.close();
    }
  });
});
