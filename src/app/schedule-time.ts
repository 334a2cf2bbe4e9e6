/**
 * Times a user types for a schedule (a deadline, a "not before"), turned into UTC epoch ms with
 * what was understood said back. Everything inside greenml is UTC; a wall-clock time without an
 * offset is read in the user's time zone (--tz, else TZ, else the system's) with luxon, and the
 * reading is stated ("2026-11-23 07:00 Europe/Paris = 2026-11-23T06:00Z").
 *
 * Accepted: "now"; "+8h", "+1d12h" (from now); an ISO 8601 time with Z or an offset; a local
 * wall-clock "2026-11-23 07:00" or "2026-11-23T07:00" (seconds optional); a local date
 * "2026-11-23" (its midnight); a local time of day "07:00" (the next one after now).
 * A local time that does not exist (the hour skipped when clocks go forward) is an error; one that
 * happens twice (clocks go back) is read as the first, the earlier instant, and the output says so.
 */
import { DateTime, IANAZone } from 'luxon';
import { GreenmlError, didYouMean, parseDurationS } from '../core/index.js';

export interface ParsedTime {
  ms: number;
  /** What the user typed. */
  text: string;
  /** How it was read, e.g. "2026-11-23 07:00 in Europe/Paris (UTC+01:00)" or "now + 8h". */
  readAs: string;
  /** The time zone a wall-clock time was read in; null when the text fixed the instant itself. */
  zone: string | null;
  notes: string[];
}

/** The user's time zone: the one given (checked), else TZ, else the system's. */
export function resolveTimeZone(given: string | undefined, env: Record<string, string | undefined> = {}): string {
  if (given !== undefined) {
    const tz = given.trim();
    if (tz.toUpperCase() === 'UTC' || tz.toUpperCase() === 'Z') return 'UTC';
    if (!IANAZone.isValidZone(tz)) {
      const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
      throw new GreenmlError('INVALID_INPUT', `Unknown time zone "${given}".${didYouMean(tz, known)} Give an IANA zone name such as Europe/Paris, America/New_York or UTC.`, {
        details: { zone: given },
      });
    }
    return tz;
  }
  const fromEnv = env['TZ']?.replace(/^:/, '');
  if (fromEnv && IANAZone.isValidZone(fromEnv)) return fromEnv;
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** ISO 8601 UTC without the milliseconds (and without the seconds on a whole minute). */
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/(T\d{2}:\d{2}):00Z$/, '$1Z');

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2}(?::\d{2})?)$/;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const HAS_OFFSET = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

function offsetLabel(dt: DateTime): string {
  return dt.offset === 0 ? 'UTC' : `UTC${dt.toFormat('ZZ')}`;
}

/** A local wall-clock time in `zone`, refusing times the zone skips and taking the first of a repeated one. */
function fromLocal(date: string, time: string, zone: string, text: string, what: string): { dt: DateTime; notes: string[] } {
  const [h = '0', m = '0', sec = '0'] = time.split(':');
  const wall = `${date}T${h.padStart(2, '0')}:${m}:${sec.padStart(2, '0')}`;
  const dt = DateTime.fromISO(wall, { zone });
  if (!dt.isValid) throw new GreenmlError('INVALID_INPUT', `Invalid ${what} "${text}": ${dt.invalidExplanation ?? dt.invalidReason ?? 'not a date and time'}. Use e.g. 2026-11-23 07:00.`);
  if (dt.toFormat("yyyy-MM-dd'T'HH:mm:ss") !== wall) {
    throw new GreenmlError(
      'INVALID_INPUT',
      `Invalid ${what} "${text}": ${wall.replace('T', ' ')} does not exist in ${zone} (the clocks skip that hour). Give a time outside the change, or an offset, e.g. ${dt.toISO({ suppressMilliseconds: true })}.`,
    );
  }
  const notes: string[] = [];
  const offsets = dt.getPossibleOffsets();
  if (offsets.length > 1) {
    const first = offsets.reduce((a, b) => (a.toMillis() <= b.toMillis() ? a : b));
    notes.push(`${wall.replace('T', ' ')} happens twice in ${zone} (the clocks go back); the first, ${first.toISO({ suppressMilliseconds: true })}, was used.`);
    return { dt: first, notes };
  }
  return { dt, notes };
}

/** Parses a time given on the command line; see the module comment for the accepted forms. */
export function parseTimeInput(text: string, opts: { nowMs: number; zone: string; what: string }): ParsedTime {
  const s = text.trim();
  const { nowMs, zone, what } = opts;
  if (s === '') throw new GreenmlError('INVALID_INPUT', `Give a ${what}, e.g. +8h, 2026-11-23 07:00 or 2026-11-23T06:00Z.`);
  if (s.toLowerCase() === 'now') return { ms: nowMs, text, readAs: 'now', zone: null, notes: [] };
  const rel = /^\+\s*(.+)$/.exec(s);
  if (rel) {
    const ms = nowMs + Math.round(parseDurationS(rel[1] as string, what) * 1000);
    return { ms, text, readAs: `now + ${(rel[1] as string).trim()}`, zone: null, notes: [] };
  }
  const local = LOCAL_DATE_TIME.exec(s);
  if (local) {
    const { dt, notes } = fromLocal(local[1] as string, local[2] as string, zone, text, what);
    return { ms: dt.toMillis(), text, readAs: `${dt.toFormat('yyyy-MM-dd HH:mm:ss').replace(/:00$/, '')} in ${zone} (${offsetLabel(dt)})`, zone, notes };
  }
  if (LOCAL_DATE.test(s)) {
    const { dt, notes } = fromLocal(s, '00:00', zone, text, what);
    return { ms: dt.toMillis(), text, readAs: `${s} 00:00 in ${zone} (${offsetLabel(dt)})`, zone, notes };
  }
  const timeOfDay = LOCAL_TIME.exec(s);
  if (timeOfDay) {
    const today = DateTime.fromMillis(nowMs, { zone });
    for (let day = 0; day <= 2; day++) {
      const date = today.plus({ days: day }).toFormat('yyyy-MM-dd');
      try {
        const { dt, notes } = fromLocal(date, s, zone, text, what);
        if (dt.toMillis() > nowMs) return { ms: dt.toMillis(), text, readAs: `next ${s} in ${zone}: ${dt.toFormat('yyyy-MM-dd HH:mm')} (${offsetLabel(dt)})`, zone, notes };
      } catch (e) {
        // A time skipped today by a clock change: try the next day.
        if (day === 2) throw e;
      }
    }
  }
  if (HAS_OFFSET.test(s) && /^\d{4}-\d{2}-\d{2}T/.test(s)) {
    const dt = DateTime.fromISO(s, { setZone: true });
    if (dt.isValid) return { ms: dt.toMillis(), text, readAs: iso(dt.toMillis()), zone: null, notes: [] };
  }
  throw new GreenmlError(
    'INVALID_INPUT',
    `Invalid ${what} "${text}": give a time from now (+8h, +1d), an ISO 8601 time with Z or an offset (2026-11-23T06:00Z, 2026-11-23T07:00+01:00), ` +
      'or a local time read in your time zone or --tz (2026-11-23 07:00, 07:00).',
  );
}

/** "2026-11-23T06:00Z (07:00 Europe/Paris)": a UTC instant with the user's wall clock beside it. */
export function describeInstant(ms: number, zone: string): string {
  const utc = iso(ms);
  if (zone === 'UTC') return utc;
  const local = DateTime.fromMillis(ms, { zone });
  return `${utc} (${local.toFormat('yyyy-MM-dd HH:mm')} ${zone})`;
}

export { iso as isoUtc };
