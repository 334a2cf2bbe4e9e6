import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoWeek, nextPeriodBounds, periodBounds } from './period.js';
import { BUDGET_PERIODS, type CalendarPeriod } from './types.js';

const at = (iso: string): number => Date.parse(iso);
const span = (p: CalendarPeriod, iso: string): [string, string, string] => {
  const b = periodBounds(p, at(iso));
  return [new Date(b.startMs).toISOString(), new Date(b.endMs).toISOString(), b.key];
};

describe('periodBounds (UTC)', () => {
  it('gives the calendar period holding a time', () => {
    expect(span('day', '2026-03-05T23:59:59.999Z')).toEqual(['2026-03-05T00:00:00.000Z', '2026-03-06T00:00:00.000Z', '2026-03-05']);
    expect(span('month', '2024-02-29T12:00:00Z')).toEqual(['2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z', '2024-02']);
    expect(span('month', '2025-12-31T23:00:00Z')).toEqual(['2025-12-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2025-12']);
    expect(span('quarter', '2026-05-17T08:00:00Z')).toEqual(['2026-04-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z', '2026-Q2']);
    expect(span('quarter', '2026-12-31T08:00:00Z')).toEqual(['2026-10-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2026-Q4']);
    expect(span('year', '2026-07-01T00:00:00Z')).toEqual(['2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2026']);
  });

  it('starts ISO weeks on Monday and numbers them by their Thursday', () => {
    expect(span('week', '2026-03-01T10:00:00Z')).toEqual(['2026-02-23T00:00:00.000Z', '2026-03-02T00:00:00.000Z', '2026-W09']); // a Sunday
    expect(span('week', '2026-03-02T00:00:00Z')).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z', '2026-W10']); // Monday
    // ISO 8601 edge cases: 2021-01-03 is in 2020-W53; 2024-12-30 is in 2025-W01; 2026-01-01 (Thursday) is 2026-W01.
    expect(span('week', '2021-01-03T12:00:00Z')[2]).toBe('2020-W53');
    expect(span('week', '2024-12-30T12:00:00Z')[2]).toBe('2025-W01');
    expect(isoWeek(at('2026-01-01T00:00:00Z'))).toMatchObject({ year: 2026, week: 1 });
    expect(isoWeek(at('2026-12-31T00:00:00Z'))).toMatchObject({ year: 2026, week: 53 });
  });

  it('tiles time: every instant lies in exactly one period, and the next one starts where it ends', () => {
    const calendar = BUDGET_PERIODS.filter((p): p is CalendarPeriod => p !== 'run');
    fc.assert(
      fc.property(fc.constantFrom(...calendar), fc.integer({ min: at('1971-01-01T00:00:00Z'), max: at('2199-12-31T00:00:00Z') }), (p, t) => {
        const b = periodBounds(p, t);
        expect(b.startMs).toBeLessThanOrEqual(t);
        expect(t).toBeLessThan(b.endMs);
        expect(periodBounds(p, b.startMs)).toEqual(b);
        expect(periodBounds(p, b.endMs - 1)).toEqual(b);
        const next = nextPeriodBounds(p, t);
        expect(next.startMs).toBe(b.endMs);
        expect(next.key).not.toBe(b.key);
        if (p === 'week') expect(new Date(b.startMs).getUTCDay()).toBe(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects a time that is not a number', () => {
    expect(() => periodBounds('day', Number.NaN)).toThrow(/finite time/);
  });
});
