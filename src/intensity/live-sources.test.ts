import { describe, expect, it } from 'vitest';
import { GreenmlError, gPerKwhFromLbsPerMwh } from '../core/index.js';
import { fixture, replay } from '../../test/fixtures/intensity/replay.js';
import { electricityMapsSource } from './electricitymaps.js';
import { gbCarbonIntensitySource } from './gb-carbon-intensity.js';
import { wattTimeSource } from './watttime.js';

const H = 3_600_000;
const json = (path: string): any => JSON.parse(fixture(path));

async function rejection(p: Promise<unknown>): Promise<GreenmlError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GreenmlError) return e;
    throw e;
  }
  throw new Error('expected a GreenmlError');
}

describe('Electricity Maps v3', () => {
  const now = Date.UTC(2023, 5, 2, 0, 30);
  const routes = [
    { match: /\/v3\/carbon-intensity\/latest\?zone=ES/, file: 'electricitymaps/latest-ES.json' },
    { match: /\/v3\/carbon-intensity\/history\?zone=ES/, file: 'electricitymaps/history-ES.json' },
    { match: /\/v3\/carbon-intensity\/past-range\?zone=ES&start=2023-05-30T00:00:00.000Z&end=2023-05-31T00:00:00.000Z/, file: 'electricitymaps/past-range-ES.json' },
    { match: /\/v3\/carbon-intensity\/forecast\?zone=ES&horizonHours=24/, file: 'electricitymaps/forecast-ES.json' },
    { match: /\/v3\/carbon-intensity\/history\?zone=NL/, file: 'electricitymaps/history-NL-null.json' },
    { match: /zone=XX/, status: 401, body: 'Unauthorized' },
  ];
  const source = (r = replay(routes)) => ({ r, s: electricityMapsSource({ token: 'em-secret', fetch: r.fetch, nowMs: () => now }) });

  it('reads the last 24 hours from /history with the token in the auth-token header', async () => {
    const { r, s } = source();
    const series = await s.history('ES', now - 24 * H, now);
    const recorded = json('electricitymaps/history-ES.json').history as Array<{ carbonIntensity: number; datetime: string }>;
    expect(series).toMatchObject({ zone: 'ES', signal: 'average', kind: 'actual', source: 'Electricity Maps API v3 (lifecycle)' });
    expect(series.points).toEqual(recorded.map((h) => ({ t: Date.parse(h.datetime), durationS: 3600, intensityGPerKwh: h.carbonIntensity })));
    expect(r.calls[0]!.headers['auth-token']).toBe('em-secret');
    expect(r.calls[0]!.url.searchParams.get('emissionFactorType')).toBe('lifecycle');
  });

  it('reads older spans from /past-range and the forecast from /forecast', async () => {
    const { s } = source();
    const past = await s.history('ES', Date.UTC(2023, 4, 30), Date.UTC(2023, 4, 31));
    expect(past.points).toHaveLength(24);
    expect(past.points[0]!.t).toBe(Date.UTC(2023, 4, 30));
    const fc = await s.forecast('ES', now, now + 23.5 * H);
    expect(fc?.kind).toBe('forecast');
    expect(fc?.points[0]).toEqual({ t: Date.UTC(2023, 5, 2, 0), durationS: 3600, intensityGPerKwh: json('electricitymaps/forecast-ES.json').forecast[0].carbonIntensity });
    expect(fc?.points).toHaveLength(24);
  });

  it('gives the latest value as current, and leaves a null hour as a gap', async () => {
    const { s } = source();
    expect((await s.current('ES', now)).points).toEqual([{ t: Date.UTC(2023, 5, 2), durationS: 3600, intensityGPerKwh: 236 }]);
    const nl = await s.history('NL', Date.UTC(2099, 0, 1), Date.UTC(2099, 0, 1, 2));
    expect(nl.points).toEqual([{ t: Date.UTC(2099, 0, 1), durationS: 3600, intensityGPerKwh: 999 }]);
  });

  it('turns an HTTP error into UPSTREAM_FAILED with the status and what to check, never the token', async () => {
    const { s } = source();
    const e = await rejection(s.history('XX', now - H, now));
    expect(e.code).toBe('UPSTREAM_FAILED');
    expect(e.details).toMatchObject({ status: 401, provider: 'Electricity Maps' });
    expect(e.message).toMatch(/answered 401.*GREENML_ELECTRICITYMAPS_TOKEN/);
    expect(e.message).not.toContain('em-secret');
    expect(() => electricityMapsSource({ token: '' })).toThrow(/GREENML_ELECTRICITYMAPS_TOKEN/);
  });
});

describe('WattTime v3', () => {
  const now = Date.UTC(2022, 6, 15, 0, 1);
  const routes = [
    { match: /^\/login$/, file: 'watttime/login.json' },
    { match: /\/v3\/historical\?region=CAISO_NORTH&.*signal_type=co2_moer/, file: 'watttime/historical-CAISO_NORTH-co2_moer.json' },
    { match: /\/v3\/forecast\?region=CAISO_NORTH&horizon_hours=1&signal_type=co2_moer/, file: 'watttime/forecast-CAISO_NORTH-co2_moer.json' },
    { match: /\/v3\/historical\?region=CAISO_NORTH&.*signal_type=co2_aoer/, file: 'watttime/historical-CAISO-co2_aoer.json' },
  ];

  it('logs in with Basic auth, then reads MOER in lbs/MWh as marginal g/kWh', async () => {
    const r = replay(routes);
    const s = wattTimeSource({ username: 'ada', password: 'pw', fetch: r.fetch, nowMs: () => now });
    const series = await s.history('CAISO_NORTH', Date.UTC(2022, 6, 15), Date.UTC(2022, 6, 15, 0, 10));
    expect(r.calls[0]!.headers.authorization).toBe(`Basic ${Buffer.from('ada:pw').toString('base64')}`);
    expect(r.calls[1]!.headers.authorization).toBe('Bearer recorded-fixture-token');
    expect(series).toMatchObject({ signal: 'marginal', kind: 'actual', source: 'WattTime API v3 (co2_moer)' });
    expect(series.points).toEqual([
      { t: Date.UTC(2022, 6, 15, 0, 0), durationS: 300, intensityGPerKwh: gPerKwhFromLbsPerMwh(870) },
      { t: Date.UTC(2022, 6, 15, 0, 5), durationS: 300, intensityGPerKwh: gPerKwhFromLbsPerMwh(860) },
    ]);
    expect(series.points[0]!.intensityGPerKwh).toBeCloseTo(394.6, 1);
    const fc = await s.forecast('CAISO_NORTH', now, now + 10 * 60_000);
    expect(fc?.points.map((p) => p.intensityGPerKwh)).toEqual([1048.4131919701972, 1051.0880801214637].map(gPerKwhFromLbsPerMwh));
    expect(r.calls.filter((c) => c.url.pathname === '/login')).toHaveLength(1);
  });

  it('reads co2_aoer as an average signal with no forecast', async () => {
    const s = wattTimeSource({ username: 'ada', password: 'pw', signal: 'average', fetch: replay(routes).fetch, nowMs: () => now });
    expect(s.describe()).toMatchObject({ signal: 'average', forecasts: false });
    const series = await s.history('CAISO_NORTH', Date.UTC(2023, 9, 26, 14), Date.UTC(2023, 9, 26, 16));
    expect(series.signal).toBe('average');
    expect(series.points.map((p) => p.durationS)).toEqual([3600, 3600]);
    expect(await s.forecast('CAISO_NORTH', now, now + H)).toBeNull();
  });

  it('logs in again once when the token has expired', async () => {
    let first = true;
    const inner = replay(routes);
    const calls: string[] = [];
    const fetch: typeof inner.fetch = async (url, init) => {
      calls.push(new URL(url).pathname);
      if (url.includes('/v3/') && first) {
        first = false;
        return new Response('token expired', { status: 401 });
      }
      return inner.fetch(url, init);
    };
    const s = wattTimeSource({ username: 'ada', password: 'pw', fetch, nowMs: () => now });
    const series = await s.history('CAISO_NORTH', Date.UTC(2022, 6, 15), Date.UTC(2022, 6, 15, 0, 10));
    expect(series.points).toHaveLength(2);
    expect(calls).toEqual(['/login', '/v3/historical', '/login', '/v3/historical']);
  });
});

describe('GB Carbon Intensity API', () => {
  const routes = [
    { match: /^\/intensity\/2023-03-14T03:30Z\/fw48h$/, file: 'gb/national-fw48h-2023-03-14T0330Z.json' },
    { match: /^\/intensity\/2023-03-14T03:30Z\/2023-03-15T03:30Z$/, file: 'gb/national-range-2023-03-14T0330Z-2023-03-15T0330Z.json' },
    { match: /^\/intensity\/2023-03-14T12:10Z$/, file: 'gb/national-2023-03-14T1200Z.json' },
    { match: /^\/regional\/intensity\/2023-05-04T12:30Z\/fw48h\/postcode\/OX1$/, file: 'gb/regional-fw48h-postcode-OX1.json' },
    { match: /^\/regional\/regionid\/13$/, file: 'gb/regional-regionid-13.json' },
    { match: /^\/regional\/intensity\/.*\/regionid\/99/, status: 400, file: 'gb/error-400-regionid.json' },
  ];
  const s = gbCarbonIntensitySource({ fetch: replay(routes).fetch });

  it('reads the national 48-hour forecast and the actuals of a range', async () => {
    const from = Date.UTC(2023, 2, 14, 3, 30);
    const fc = await s.forecast('GB', from, from + 48 * H);
    expect(fc?.kind).toBe('forecast');
    expect(fc?.points).toHaveLength(96);
    expect(fc?.points[0]).toEqual({ t: from, durationS: 1800, intensityGPerKwh: 69 });
    const actual = await s.history('GB', from, from + 24 * H);
    const recorded = json('gb/national-range-2023-03-14T0330Z-2023-03-15T0330Z.json').data as Array<{ intensity: { actual: number | null } }>;
    expect(actual.kind).toBe('actual');
    expect(actual.points.map((p) => p.intensityGPerKwh)).toEqual(recorded.filter((d) => d.intensity.actual !== null).map((d) => d.intensity.actual));
    expect(actual.points).toHaveLength(45); // the last three half-hours had no actual yet
  });

  it('gives the national current half-hour, and regional forecasts by postcode and region id', async () => {
    const now = await s.current('GB', Date.UTC(2023, 2, 14, 12, 10));
    expect(now).toMatchObject({ kind: 'actual', points: [{ t: Date.UTC(2023, 2, 14, 12), durationS: 1800 }] });
    const oxford = await s.forecast('GB:postcode:OX1 3QD', Date.UTC(2023, 4, 4, 12, 30), Date.UTC(2023, 4, 5, 12, 30));
    expect(oxford).toMatchObject({ zone: 'GB:postcode:OX1 3QD', kind: 'forecast' });
    expect(oxford?.points).toHaveLength(48);
    expect(oxford?.points[0]!.intensityGPerKwh).toBe(11);
    const london = await s.current('GB:region:13', Date.UTC(2021, 11, 13, 16, 45));
    expect(london.points).toEqual([{ t: Date.UTC(2021, 11, 13, 16, 30), durationS: 1800, intensityGPerKwh: 435 }]);
  });

  it('rejects zones it does not serve and passes the API\'s own error message on', async () => {
    await expect(s.history('FR', 0, H)).rejects.toThrow(/not a zone of the GB Carbon Intensity API/);
    await expect(s.history('GB:region:99', 0, H)).rejects.toMatchObject({ code: 'UNKNOWN_ID' });
    // The recorded 400 body, replayed for a regional request, must surface as UPSTREAM_FAILED with its message.
    const failing = gbCarbonIntensitySource({ fetch: replay([{ match: /^\/regional\/regionid\/17$/, status: 400, file: 'gb/error-400-regionid.json' }]).fetch });
    const e = await rejection(failing.current('GB:region:17', Date.UTC(2024, 0, 1)));
    expect(e.code).toBe('UPSTREAM_FAILED');
    expect(e.details).toMatchObject({ status: 400 });
    expect(e.message).toMatch(/answered 400.*Please enter a valid region ID.*Check the zone/);
  });
});
