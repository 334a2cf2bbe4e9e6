/**
 * Daylight-saving changes: the core works in UTC epoch ms only, so a series and a deadline that a
 * user or provider expresses in local time (converted here, in the test, with luxon) must give
 * exactly the plan of the UTC computation: no hour lost or gained, no shifted window.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { IntensityPoint } from '../series.js';
import { interruptiblePlan } from './interruptible.js';
import { bestWindow } from './window.js';

const H = 3_600_000;
const zone = 'Europe/Berlin';
const localMs = (wallClock: string): number => DateTime.fromISO(wallClock, { zone }).toMillis();
const localLabel = (ms: number): string => DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mmZZ");

/** 24 hourly UTC points from utcStart with the given values. */
const utcSeries = (utcStart: number, values: number[]): IntensityPoint[] =>
  values.map((v, i) => ({ t: utcStart + i * H, durationS: 3600, intensityGPerKwh: v }));

/** The same series as a provider publishing local wall-clock times with offsets would label it, parsed back. */
function viaLocalLabels(points: IntensityPoint[]): { labels: string[]; points: IntensityPoint[] } {
  const labels = points.map((p) => DateTime.fromMillis(p.t, { zone }).toISO() as string);
  return { labels, points: labels.map((l, i) => ({ ...points[i]!, t: DateTime.fromISO(l, { setZone: true }).toMillis() })) };
}

describe('schedule across daylight-saving changes (Europe/Berlin, 2025)', () => {
  it('spring forward, 2025-03-30 02:00 -> 03:00: a 3 h job at local 01:00 ends at local 05:00', () => {
    const utcStart = Date.UTC(2025, 2, 29, 12);
    // Cleanest three hours: 00:00Z-03:00Z, i.e. local 01:00 CET to 05:00 CEST.
    const values = Array.from({ length: 24 }, (_, i) => (i >= 12 && i < 15 ? 50 : 300 + i));
    const utc = utcSeries(utcStart, values);
    const local = viaLocalLabels(utc);
    expect(local.labels.some((l) => l.startsWith('2025-03-30T02:'))).toBe(false); // that hour does not exist
    expect(local.points).toEqual(utc);

    const specLocal = { durationS: 3 * 3600, earliestStartMs: localMs('2025-03-29T20:00'), deadlineMs: localMs('2025-03-30T09:00') };
    const specUtc = { durationS: 3 * 3600, earliestStartMs: Date.UTC(2025, 2, 29, 19), deadlineMs: Date.UTC(2025, 2, 30, 7) };
    expect(specLocal).toEqual(specUtc);

    const plan = bestWindow(local.points, specLocal);
    expect(plan).toEqual(bestWindow(utc, specUtc));
    expect(plan.startMs).toBe(Date.UTC(2025, 2, 30, 0));
    expect(plan.endMs - plan.startMs).toBe(3 * H);
    expect([localLabel(plan.startMs), localLabel(plan.endMs)]).toEqual(['2025-03-30T01:00+01:00', '2025-03-30T05:00+02:00']);
    expect(plan.meanIntensityGPerKwh).toBe(50);
  });

  it('fall back, 2025-10-26 03:00 -> 02:00: the repeated hour is two distinct hours', () => {
    const utcStart = Date.UTC(2025, 9, 25, 12);
    // Cleanest: 00:00Z and 01:00Z, i.e. local 02:00 CEST and then 02:00 CET again.
    const values = Array.from({ length: 24 }, (_, i) => (i === 12 || i === 13 ? 40 : 200 + 5 * i));
    const utc = utcSeries(utcStart, values);
    const local = viaLocalLabels(utc);
    expect(local.labels.filter((l) => l.startsWith('2025-10-26T02:00'))).toEqual(['2025-10-26T02:00:00.000+02:00', '2025-10-26T02:00:00.000+01:00']);
    expect(local.points).toEqual(utc);

    const specLocal = { durationS: 2 * 3600, earliestStartMs: localMs('2025-10-25T22:00'), deadlineMs: localMs('2025-10-26T08:00') };
    const specUtc = { durationS: 2 * 3600, earliestStartMs: Date.UTC(2025, 9, 25, 20), deadlineMs: Date.UTC(2025, 9, 26, 7) };
    expect(specLocal).toEqual(specUtc);

    const plan = bestWindow(local.points, specLocal);
    expect(plan).toEqual(bestWindow(utc, specUtc));
    expect(plan.endMs - plan.startMs).toBe(2 * H);
    expect([localLabel(plan.startMs), localLabel(plan.endMs)]).toEqual(['2025-10-26T02:00+02:00', '2025-10-26T03:00+01:00']);
    expect(plan.meanIntensityGPerKwh).toBe(40);

    const split = { ...specLocal, minChunkS: 3600, maxPauses: 2 };
    expect(interruptiblePlan(local.points, split)).toEqual(interruptiblePlan(utc, { ...specUtc, minChunkS: 3600, maxPauses: 2 }));
  });

  it('gives the UTC plan for every local earliest start around both changes', () => {
    for (const [day, utcStart] of [
      ['2025-03-30', Date.UTC(2025, 2, 29, 12)],
      ['2025-10-26', Date.UTC(2025, 9, 25, 12)],
    ] as const) {
      const values = Array.from({ length: 36 }, (_, i) => 100 + ((i * 37) % 23) * 10);
      const utc = utcSeries(utcStart, values);
      for (let h = 0; h < 8; h++) {
        const earliest = localMs(`${day}T0${h}:30`);
        const spec = { durationS: 5400, earliestStartMs: earliest, deadlineMs: earliest + 10 * H };
        const plan = bestWindow(viaLocalLabels(utc).points, spec);
        expect(plan).toEqual(bestWindow(utc, spec));
        expect(plan.endMs - plan.startMs).toBe(5400_000);
      }
    }
  });
});
