/**
 * Timestamps as files and providers write them. ISO 8601 with a zone ("Z" or "+01:00") is read as
 * written; a timestamp without a zone is UTC only where the format says so (Let's Wait Awhile,
 * the Electricity Maps portal export). Elsewhere it is an error: a local time read as UTC shifts
 * every point by an hour or two and, around a DST change, duplicates or drops one.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export type ParsedTime = { ok: true; ms: number } | { ok: false; message: string };

export function parseTimestamp(text: string, naiveIsUtc: boolean): ParsedTime {
  const m = ISO.exec(text.trim());
  if (!m) return { ok: false, message: `"${text}" is not a timestamp (expected ISO 8601 such as 2024-03-01T13:00:00Z)` };
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const base = Date.UTC(year, month - 1, day, hour, minute, second) + (frac ? Math.round(Number(frac) * 1000) : 0);
  const check = new Date(base);
  if (month < 1 || month > 12 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, message: `"${text}" is not a valid date and time` };
  }
  if (zone === undefined) {
    if (!naiveIsUtc) return { ok: false, message: `"${text}" has no time zone; add Z for UTC or an offset such as +01:00` };
    return { ok: true, ms: base };
  }
  if (zone.toUpperCase() === 'Z') return { ok: true, ms: base };
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return { ok: true, ms: base - sign * offsetMin * 60_000 };
}

/** "2024-03-01T13:00Z": the minute precision the GB API wants in its paths. */
export const isoMinute = (ms: number): string => new Date(ms).toISOString().slice(0, 16) + 'Z';
/** Full ISO 8601 UTC, for query parameters. */
export const isoUtc = (ms: number): string => new Date(ms).toISOString();
