/**
 * Budget periods in UTC. The contract has no time zone: a "day" is a UTC day, a "week" an ISO 8601
 * week (Monday 00:00 UTC to the next Monday), a quarter starts in January, April, July or October.
 * Bounds are epoch ms, start inclusive and end exclusive.
 */
import { GreenmlError } from '../errors.js';
import type { BudgetPeriod, CalendarPeriod } from './types.js';

const DAY_MS = 86_400_000;

export const isCalendarPeriod = (p: BudgetPeriod): p is CalendarPeriod => p !== 'run';

export interface PeriodBounds {
  startMs: number;
  endMs: number;
  key: string;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function requireTime(nowMs: number): void {
  if (!Number.isFinite(nowMs)) throw new GreenmlError('INVALID_INPUT', `A budget period needs a finite time in epoch ms, got ${String(nowMs)}.`);
}

/** ISO 8601 week-numbering year and week of a UTC day (weeks start Monday; week 1 holds the first Thursday). */
export function isoWeek(ms: number): { year: number; week: number; mondayMs: number } {
  const d = new Date(ms);
  const dayStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const isoDay = ((d.getUTCDay() + 6) % 7) + 1; // Monday 1 .. Sunday 7
  const mondayMs = dayStart - (isoDay - 1) * DAY_MS;
  const thursday = new Date(mondayMs + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return { year, week, mondayMs };
}

/** The calendar period holding `nowMs`. */
export function periodBounds(period: CalendarPeriod, nowMs: number): PeriodBounds {
  requireTime(nowMs);
  const d = new Date(nowMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (period) {
    case 'day': {
      const startMs = Date.UTC(y, m, d.getUTCDate());
      return { startMs, endMs: startMs + DAY_MS, key: `${pad(y, 4)}-${pad(m + 1)}-${pad(d.getUTCDate())}` };
    }
    case 'week': {
      const w = isoWeek(nowMs);
      return { startMs: w.mondayMs, endMs: w.mondayMs + 7 * DAY_MS, key: `${pad(w.year, 4)}-W${pad(w.week)}` };
    }
    case 'month':
      return { startMs: Date.UTC(y, m, 1), endMs: Date.UTC(y, m + 1, 1), key: `${pad(y, 4)}-${pad(m + 1)}` };
    case 'quarter': {
      const q = Math.floor(m / 3);
      return { startMs: Date.UTC(y, q * 3, 1), endMs: Date.UTC(y, q * 3 + 3, 1), key: `${pad(y, 4)}-Q${q + 1}` };
    }
    case 'year':
      return { startMs: Date.UTC(y, 0, 1), endMs: Date.UTC(y + 1, 0, 1), key: pad(y, 4) };
    default:
      throw new GreenmlError('INVALID_INPUT', `Unknown budget period "${String(period)}": use day, week, month, quarter or year.`);
  }
}

/** The period after the one holding `nowMs` (for "resets on ..." messages). */
export function nextPeriodBounds(period: CalendarPeriod, nowMs: number): PeriodBounds {
  return periodBounds(period, periodBounds(period, nowMs).endMs);
}
