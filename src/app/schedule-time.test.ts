import { describe, expect, it } from 'vitest';
import { isGreenmlError } from '../core/index.js';
import { describeInstant, parseTimeInput, resolveTimeZone } from './schedule-time.js';

const NOW = Date.parse('2026-11-22T20:15:00Z');
const parse = (text: string, zone = 'Europe/Paris') => parseTimeInput(text, { nowMs: NOW, zone, what: '--deadline' });

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isGreenmlError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an error');
}

describe('parseTimeInput', () => {
  it('reads times from now, ISO times with Z or an offset, and says no zone was needed', () => {
    expect(parse('+8h').ms).toBe(NOW + 8 * 3_600_000);
    expect(parse('+1d12h').ms).toBe(NOW + 36 * 3_600_000);
    expect(parse('now').ms).toBe(NOW);
    const z = parse('2026-11-23T06:00Z');
    expect(z.ms).toBe(Date.parse('2026-11-23T06:00:00Z'));
    expect(z.zone).toBeNull();
    expect(parse('2026-11-23T07:00+01:00').ms).toBe(Date.parse('2026-11-23T06:00:00Z'));
  });

  it('reads a local wall-clock time in the given zone and states the UTC result', () => {
    const paris = parse('2026-11-23 07:00');
    expect(new Date(paris.ms).toISOString()).toBe('2026-11-23T06:00:00.000Z');
    expect(paris.zone).toBe('Europe/Paris');
    expect(paris.readAs).toContain('UTC+01:00');
    // The same wall-clock time in New York is 13:00 UTC (UTC-5 in November).
    expect(new Date(parse('2026-11-23T07:00', 'America/New_York').ms).toISOString()).toBe('2026-11-23T12:00:00.000Z');
    // Summer time in Paris: UTC+2.
    expect(new Date(parse('2026-07-01 07:00').ms).toISOString()).toBe('2026-07-01T05:00:00.000Z');
    expect(describeInstant(paris.ms, 'Europe/Paris')).toBe('2026-11-23T06:00Z (2026-11-23 07:00 Europe/Paris)');
  });

  it('takes a time of day as the next one after now', () => {
    // 20:15 UTC is 21:15 in Paris: 07:00 is tomorrow morning, 22:00 is later tonight.
    expect(new Date(parse('07:00').ms).toISOString()).toBe('2026-11-23T06:00:00.000Z');
    expect(new Date(parse('22:00').ms).toISOString()).toBe('2026-11-22T21:00:00.000Z');
  });

  it('refuses a local time the clocks skip, and takes the first of a time that happens twice', () => {
    const gap = errorOf(() => parse('2026-03-29 02:30'));
    expect(gap.code).toBe('INVALID_INPUT');
    expect(gap.message).toMatch(/does not exist in Europe\/Paris/);
    const twice = parse('2026-10-25 02:30');
    expect(new Date(twice.ms).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(twice.notes.join(' ')).toMatch(/happens twice/);
  });

  it('names what it accepts when it cannot read the text', () => {
    const e = errorOf(() => parse('tomorrow-ish'));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/\+8h/);
    expect(e.message).toMatch(/2026-11-23 07:00/);
  });
});

describe('resolveTimeZone', () => {
  it('accepts IANA zones and UTC, and refuses an unknown zone with a suggestion', () => {
    expect(resolveTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(resolveTimeZone('utc')).toBe('UTC');
    expect(resolveTimeZone(undefined, { TZ: 'Asia/Tokyo' })).toBe('Asia/Tokyo');
    const e = errorOf(() => resolveTimeZone('Europe/Pariss'));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/Unknown time zone "Europe\/Pariss"/);
    expect(e.message).toMatch(/Europe\/Paris/);
  });
});
