/**
 * The period a report covers, read from what a user types: `2026-10` (a month), `2026-Q4`,
 * `2026`, `2026-W44` (an ISO 8601 week), `2026-10-05` (a day), or a range of dates. All UTC, like
 * budget periods (core/budget/period.ts), so a report and a budget agree on what "October" holds.
 */
import { GreenmlError, isoWeek, periodBounds, type CalendarPeriod } from '../core/index.js';

export interface ReportPeriod {
  /** What the user asked for, normalised: "2026-10", "2026-Q4", "2026-W44", "2026-10-01..2026-10-15". */
  label: string;
  kind: CalendarPeriod | 'range';
  /** Start, inclusive, epoch ms. */
  fromMs: number;
  /** End, exclusive, epoch ms. */
  toMs: number;
}

const DAY_MS = 86_400_000;
const EXAMPLES = '2026-10 (a month), 2026-Q4, 2026, 2026-W44 (ISO week) or 2026-10-05 (a day)';

function calendar(kind: CalendarPeriod, insideMs: number, label: string): ReportPeriod {
  const b = periodBounds(kind, insideMs);
  // periodBounds re-derives the key: a day, week or month that does not exist comes back different.
  if (b.key !== label) throw new GreenmlError('INVALID_INPUT', `There is no period "${label}" in the calendar. Use e.g. ${EXAMPLES}.`);
  return { label, kind, fromMs: b.startMs, toMs: b.endMs };
}

export function parseReportPeriod(text: string): ReportPeriod {
  const t = text.trim().toUpperCase();
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})$/.exec(t))) return calendar('year', Date.UTC(Number(m[1]), 0, 1), t);
  if ((m = /^(\d{4})-Q([1-4])$/.exec(t))) return calendar('quarter', Date.UTC(Number(m[1]), (Number(m[2]) - 1) * 3, 1), t);
  if ((m = /^(\d{4})-(\d{2})$/.exec(t))) return calendar('month', Date.UTC(Number(m[1]), Math.min(11, Number(m[2]) - 1), 1), t);
  if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t))) return calendar('day', Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])), t);
  if ((m = /^(\d{4})-W(\d{2})$/.exec(t))) {
    const year = Number(m[1]);
    // Week 1 holds 4 January (ISO 8601).
    const week1Monday = isoWeek(Date.UTC(year, 0, 4)).mondayMs;
    return calendar('week', week1Monday + (Number(m[2]) - 1) * 7 * DAY_MS, t);
  }
  throw new GreenmlError('INVALID_INPUT', `Invalid --period "${text}": use ${EXAMPLES}, or --from and --to.`);
}

/**
 * A date ("2026-10-01", the start of that UTC day) or an ISO 8601 time with a zone. With
 * `endOfDay`, a bare date means the end of that day, so `--to 2026-10-15` includes the 15th.
 */
export function parseReportTime(text: string, flag: string, endOfDay = false): number {
  const t = text.trim();
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (date) {
    const [y, mo, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const ms = Date.UTC(y, mo - 1, d);
    const back = new Date(ms);
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
      throw new GreenmlError('INVALID_INPUT', `Invalid ${flag} "${text}": there is no such day.`);
    }
    return endOfDay ? ms + DAY_MS : ms;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(t)) {
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return ms;
  }
  throw new GreenmlError('INVALID_INPUT', `Invalid ${flag} "${text}": give a date (2026-10-01) or a time with its zone (2026-10-01T12:00:00Z).`);
}

export function reportRange(from: string, to: string): ReportPeriod {
  const fromMs = parseReportTime(from, '--from');
  const toMs = parseReportTime(to, '--to', true);
  if (toMs <= fromMs) throw new GreenmlError('INVALID_INPUT', `--to (${to}) must be after --from (${from}).`);
  return { label: `${from.trim()}..${to.trim()}`, kind: 'range', fromMs, toMs };
}

/** The period before: the previous calendar period of the same kind, or a range of the same length just before. */
export function previousPeriod(p: ReportPeriod): ReportPeriod {
  if (p.kind === 'range') {
    const len = p.toMs - p.fromMs;
    const fromMs = p.fromMs - len;
    const iso = (ms: number): string => new Date(ms).toISOString();
    return { label: `${iso(fromMs)}..${iso(p.fromMs)}`, kind: 'range', fromMs, toMs: p.fromMs };
  }
  const b = periodBounds(p.kind, p.fromMs - 1);
  return { label: b.key, kind: p.kind, fromMs: b.startMs, toMs: b.endMs };
}

/** The calendar month holding nowMs: what `greenml report` covers without --period. */
export function currentMonth(nowMs: number): ReportPeriod {
  const b = periodBounds('month', nowMs);
  return { label: b.key, kind: 'month', fromMs: b.startMs, toMs: b.endMs };
}
