/** The pure parts of reports: periods, functional units, CSV cells and HTML escaping. Store-backed reports: cli/commands/report.test.ts. */
import { describe, expect, it } from 'vitest';
import { GreenmlError } from '../core/index.js';
import { escapeHtml } from './report-html.js';
import { currentMonth, parseReportPeriod, previousPeriod, reportRange } from './report-period.js';
import { parseFunctionalUnit } from './report.js';

const utc = (...a: [number, number, number?, number?]): number => Date.UTC(a[0], a[1], a[2] ?? 1, a[3] ?? 0);

describe('report periods', () => {
  it.each([
    ['2026-10', 'month', utc(2026, 9), utc(2026, 10), '2026-09'],
    ['2026-q4', 'quarter', utc(2026, 9), utc(2027, 0), '2026-Q3'],
    ['2026-Q1', 'quarter', utc(2026, 0), utc(2026, 3), '2025-Q4'],
    ['2026', 'year', utc(2026, 0), utc(2027, 0), '2025'],
    ['2026-W44', 'week', utc(2026, 9, 26), utc(2026, 10, 2), '2026-W43'],
    ['2026-W01', 'week', utc(2025, 11, 29), utc(2026, 0, 5), '2025-W52'],
    ['2020-W53', 'week', utc(2020, 11, 28), utc(2021, 0, 4), '2020-W52'],
    ['2024-02-29', 'day', utc(2024, 1, 29), utc(2024, 2, 1), '2024-02-28'],
  ])('reads %s as a %s in UTC, after the %s before it', (text, kind, fromMs, toMs, previous) => {
    const p = parseReportPeriod(text);
    expect(p).toEqual({ label: text.toUpperCase(), kind, fromMs, toMs });
    expect(previousPeriod(p).label).toBe(previous);
    expect(previousPeriod(p).toMs).toBe(fromMs);
  });

  it.each(['2026-13', '2026-00', '2026-Q5', '2021-W53', '2026-W00', '2026-02-30', 'October', '26-10', ''])('refuses %j with the accepted forms', (text) => {
    expect(() => parseReportPeriod(text)).toThrow(GreenmlError);
    expect(() => parseReportPeriod(text)).toThrow(/2026-10 \(a month\), 2026-Q4, 2026, 2026-W44/);
  });

  it('reads ranges: a --to date includes its day, the previous range has the same length', () => {
    const r = reportRange('2026-10-01', '2026-10-15');
    expect([r.fromMs, r.toMs]).toEqual([utc(2026, 9, 1), utc(2026, 9, 16)]);
    expect(previousPeriod(r)).toMatchObject({ kind: 'range', fromMs: utc(2026, 8, 16), toMs: utc(2026, 9, 1) });
    const t = reportRange('2026-10-01T06:00:00Z', '2026-10-01T18:00:00+02:00');
    expect(t.toMs - t.fromMs).toBe(10 * 3_600_000);
    expect(() => reportRange('2026-10-15', '2026-10-01')).toThrow(/--to \(2026-10-01\) must be after --from/);
    expect(() => reportRange('2026-02-30', '2026-03-01')).toThrow(/no such day/);
    expect(() => reportRange('yesterday', '2026-03-01')).toThrow(/give a date \(2026-10-01\) or a time with its zone/);
    expect(() => reportRange('2026-10-01T06:00', '2026-10-02')).toThrow(/with its zone/);
  });

  it('defaults to the month holding now', () => {
    expect(currentMonth(utc(2026, 9, 17, 13))).toEqual({ label: '2026-10', kind: 'month', fromMs: utc(2026, 9), toMs: utc(2026, 10) });
  });
});

describe('functional units', () => {
  it.each([
    ['run', { kind: 'run', per: 1, label: 'run' }],
    ['epoch', { kind: 'epoch', per: 1, label: 'epoch' }],
    ['samples:1000', { kind: 'samples', per: 1000, label: '1,000 samples' }],
    ['samples', { kind: 'samples', per: 1000, label: '1,000 samples' }],
    ['Inferences:1', { kind: 'inferences', per: 1, label: 'inference' }],
    ['inferences:1000000', { kind: 'inferences', per: 1_000_000, label: '1,000,000 inferences' }],
  ])('reads %s', (text, unit) => {
    expect(parseFunctionalUnit(text)).toEqual(unit);
  });

  it.each(['tokens', 'epoch:10', 'samples:0', 'samples:-5', 'samples:1.5', 'run:2'])('refuses %s', (text) => {
    expect(() => parseFunctionalUnit(text)).toThrow(/Invalid --unit .*: use run, epoch, samples:1000 or inferences:1000/);
  });
});

describe('HTML escaping', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')"> & co`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co');
  });
});
