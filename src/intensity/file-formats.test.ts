import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GreenmlError, meanIntensityOver } from '../core/index.js';
import { fixture } from '../../test/fixtures/intensity/replay.js';
import { detectFormat, parseIntensityFile } from './file-formats.js';
import { fileSource } from './file-source.js';

const H = 3_600_000;
const thrown = (f: () => unknown): GreenmlError => {
  try {
    f();
  } catch (e) {
    if (e instanceof GreenmlError) return e;
    throw e;
  }
  throw new Error('expected a GreenmlError');
};

describe('Electricity Maps data-portal export', () => {
  const text = fixture('files/ES_2023-06-01_hourly.csv');
  const rows = text.trim().split('\n').slice(1).map((l) => l.split(','));

  it('is detected by its header and read as life-cycle intensity by default', () => {
    expect(detectFormat(text, 'ES.csv')).toBe('electricitymaps');
    const { series, lines, gaps, format } = parseIntensityFile(text, { name: 'ES.csv' });
    expect(format).toBe('electricitymaps');
    expect([series.zone, series.signal, series.kind, lines, gaps]).toEqual(['ES', 'average', 'actual', 48, 0]);
    expect(series.source).toContain('life-cycle');
    expect(series.points[0]).toEqual({ t: Date.UTC(2023, 5, 1, 0), durationS: 3600, intensityGPerKwh: Number(rows[0]![5]) });
    expect(series.points.map((p) => p.intensityGPerKwh)).toEqual(rows.map((r) => Number(r[5])));
    expect(series.points[47]!.durationS).toBe(3600);
  });

  it('reads the direct column when asked, and refuses another zone', () => {
    const { series } = parseIntensityFile(text, { name: 'ES.csv', column: 'direct', zone: 'es' });
    expect(series.points.map((p) => p.intensityGPerKwh)).toEqual(rows.map((r) => Number(r[4])));
    expect(series.source).toContain('direct');
    expect(thrown(() => parseIntensityFile(text, { name: 'ES.csv', zone: 'FR' })).message).toMatch(/for zone ES, not FR/);
  });

  it('reads a missing hour as a gap, not as a two-hour value', () => {
    const lines = text.trim().split('\n');
    const holed = [...lines.slice(0, 11), ...lines.slice(12)].join('\n');
    const { series, gaps } = parseIntensityFile(holed, { name: 'ES.csv' });
    expect(gaps).toBe(1);
    expect(series.points[9]!.durationS).toBe(3600);
    expect(meanIntensityOver(series.points, Date.UTC(2023, 5, 1, 10), Date.UTC(2023, 5, 1, 11))).toBeNull();
  });
});

describe("Let's Wait Awhile format", () => {
  const text = fixture('files/gb-2023-03-14-lwa-format.csv');

  it('reads naive timestamps as UTC and needs a zone', () => {
    expect(detectFormat(text, 'gb.csv')).toBe('lwa');
    const { series } = parseIntensityFile(text, { name: 'gb.csv', zone: 'GB' });
    expect(series.points[0]).toEqual({ t: Date.UTC(2023, 2, 14, 3, 30), durationS: 1800, intensityGPerKwh: 78 });
    expect(series.points.every((p) => p.durationS === 1800)).toBe(true);
    expect(thrown(() => parseIntensityFile(text, { name: 'gb.csv' })).message).toMatch(/--zone/);
  });

  const lwaDe = join(process.cwd(), '../shared/data/carbon/ger_ci.csv');
  it.skipIf(!existsSync(lwaDe))('parses the whole Let\'s Wait Awhile Germany series (read from ../shared at run time)', () => {
    const { series, lines, gaps } = parseIntensityFile(readFileSync(lwaDe, 'utf8'), { name: 'ger_ci.csv', zone: 'DE' });
    expect(lines).toBe(37_147);
    expect(series.points).toHaveLength(37_147);
    // Two 15-minute values are missing (2020-12-19 23:15 and 23:45): gaps, not 30-minute points.
    expect(gaps).toBe(2);
    expect(series.points.find((p) => p.t === Date.UTC(2020, 11, 19, 23))?.durationS).toBe(900);
    // Wiesner et al. 2021, analysis.ipynb: Germany 2020 mean 313.4 g/kWh over the 2020 rows, equal weight.
    const in2020 = series.points.filter((p) => p.t >= Date.UTC(2020, 0, 1) && p.t < Date.UTC(2021, 0, 1));
    expect(in2020.reduce((s, p) => s + p.intensityGPerKwh, 0) / in2020.length).toBeCloseTo(313.4, 1);
  });
});

describe('plain CSV and JSON', () => {
  it('read the same series from time,value CSV and JSON', () => {
    const csv = parseIntensityFile(fixture('files/gb-2023-03-14-forecast.csv'), { name: 'f.csv', zone: 'GB', signal: 'average' });
    const json = parseIntensityFile(fixture('files/gb-2023-03-14-forecast.json'), { name: 'f.json', zone: 'GB' });
    expect(csv.format).toBe('csv');
    expect(json.format).toBe('json');
    expect(csv.series.points).toHaveLength(96);
    expect(json.series.points).toEqual(csv.series.points);
    expect(csv.series.points[0]).toEqual({ t: Date.UTC(2023, 2, 14, 3, 30), durationS: 1800, intensityGPerKwh: 69 });
  });

  it('reports every bad line with its number and imports nothing', () => {
    const e = thrown(() => parseIntensityFile(fixture('files/gb-2023-03-14-forecast-bad-lines.csv'), { name: 'bad.csv', zone: 'GB' }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.details?.errors).toEqual([
      { line: 4, message: expect.stringMatching(/no time zone/) },
      { line: 6, message: expect.stringMatching(/negative/) },
      { line: 8, message: expect.stringMatching(/not a number/) },
    ]);
    expect(e.message).toMatch(/3 bad line\(s\); nothing was imported/);
    expect(e.message).toMatch(/line 4: .*line 6: .*line 8:/s);
  });

  it('rejects unsorted or repeated times, implausible values and JSON entries by line', () => {
    const unsorted = 'time,value\n2024-01-01T01:00Z,10\n2024-01-01T00:00Z,20\n2024-01-01T00:00Z,20\n';
    expect(thrown(() => parseIntensityFile(unsorted, { name: 'u.csv', zone: 'X' })).details?.errors).toEqual([
      { line: 3, message: expect.stringMatching(/not after the previous line's \(line 2\)/) },
      { line: 4, message: expect.stringMatching(/not after/) },
    ]);
    const big = 'time,value\n2024-01-01T00:00Z,350000\n2024-01-01T01:00Z,350\n';
    expect(thrown(() => parseIntensityFile(big, { name: 'b.csv', zone: 'X' })).message).toMatch(/line 2: .*implausible/);
    const json = '[\n  { "time": "2024-01-01T00:00Z", "value": 1 },\n  { "time": "2024-01-01T01:00Z" },\n  { "value": 3 }\n]\n';
    expect(thrown(() => parseIntensityFile(json, { name: 'j.json', zone: 'X' })).details?.errors).toEqual([
      { line: 3, message: expect.stringMatching(/"value" null is not a number/) },
      { line: 4, message: expect.stringMatching(/missing "time"/) },
    ]);
    expect(thrown(() => parseIntensityFile('[\n{ "time": 1,\n', { name: 'broken.json', zone: 'X' })).message).toMatch(/not valid JSON/);
    expect(thrown(() => parseIntensityFile('a;b\n1;2\n', { name: 'odd.csv', zone: 'X' })).message).toMatch(/cannot tell the format/);
  });

  it('reads a time,value,duration_s CSV as given', () => {
    const text = 'time,value,duration_s\n2024-01-01T00:00+01:00,100,900\n2024-01-01T01:00+01:00,50,\n';
    const { series } = parseIntensityFile(text, { name: 'd.csv', zone: 'X', signal: 'marginal' });
    expect(series.signal).toBe('marginal');
    expect(series.points).toEqual([
      { t: Date.UTC(2023, 11, 31, 23), durationS: 900, intensityGPerKwh: 100 },
      { t: Date.UTC(2024, 0, 1, 0), durationS: 3600, intensityGPerKwh: 50 },
    ]);
  });
});

describe('Carbon Aware SDK JSON file', () => {
  const text = fixture('files/casdk-es-no-2023-06-01.json');
  it('picks the location asked for and reads TimeSpan durations', () => {
    const { series } = parseIntensityFile(text, { name: 'e.json', zone: 'NO' });
    expect(series.zone).toBe('NO');
    expect(series.points).toHaveLength(24);
    expect(series.points.every((p) => p.durationS === 3600)).toBe(true);
    expect(series.source).toContain('Carbon Aware SDK');
    expect(thrown(() => parseIntensityFile(text, { name: 'e.json' })).message).toMatch(/several locations \(ES, NO\)/);
    expect(thrown(() => parseIntensityFile(text, { name: 'e.json', zone: 'N0' })).message).toMatch(/Did you mean NO/);
  });
});

describe('fileSource', () => {
  it('answers history and current for the zone of each file, and has no forecast', async () => {
    const root = join(process.cwd(), 'test/fixtures/intensity/files');
    const source = fileSource([{ path: join(root, 'ES_2023-06-01_hourly.csv') }, { path: join(root, 'gb-2023-03-14-lwa-format.csv'), zone: 'GB' }]);
    const es = await source.history('ES', Date.UTC(2023, 5, 1, 10), Date.UTC(2023, 5, 1, 12) + 1);
    expect(es.points.map((p) => p.t)).toEqual([10, 11, 12].map((h) => Date.UTC(2023, 5, 1, h)));
    const gbNow = await source.current('GB', Date.UTC(2023, 2, 14, 12, 10));
    expect(gbNow.points).toEqual([{ t: Date.UTC(2023, 2, 14, 12), durationS: 1800, intensityGPerKwh: expect.any(Number) }]);
    expect(await source.forecast('ES', 0, H)).toBeNull();
    await expect(source.history('FR', 0, H)).rejects.toThrow(/No intensity file for zone FR/);
  });
});
