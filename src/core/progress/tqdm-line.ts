/**
 * Reads one visible line of a tqdm bar (escapes already removed). tqdm's default layout
 * (tqdm/std.py `format_meter`, tqdm 4.64, 2022) is
 *   `{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}, {rate_fmt}{postfix}]`
 * and, without a total, `{desc}: {n_fmt}{unit} [{elapsed}, {rate_fmt}{postfix}]`. The line is read
 * from the right, because the description is free text that may hold '|', '%' or digits.
 */
export interface TqdmLine {
  desc: string;
  n: number;
  total: number | null;
  /** Percentage printed on the bar, when there is one. */
  percent: number | null;
  unit: string;
  rateUnitsPerS: number | null;
  elapsedS: number;
  remainingS: number | null;
}

/** tqdm's `format_sizeof` prefixes (std.py, tqdm 4.64), decimal unless unit_divisor says otherwise. */
const SCALE: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Z: 1e21, Y: 1e24 };
/** Bounded repeats keep every pattern linear on hostile lines (a long run of digits, of spaces). */
const NUM = String.raw`\d{1,24}(?:\.\d{1,24})?(?:[eE][+-]?\d{1,4})?`;
const CLOCK = String.raw`\d{1,9}(?::\d{2}){1,2}`;
/** Units tqdm users most often scale (`unit_scale=True`); other units keep a leading capital as part of the name. */
const SCALED_UNITS = new Set(['it', 'B', 'b', '']);

const INNER = new RegExp(String.raw`^\s*(${CLOCK})(?:<(${CLOCK}|\?))?,\s*([^,\s]*)\s*(?:,\s*(.*))?$`, 's');
const WITH_TOTAL = new RegExp(String.raw`(\d{1,7})%(?:\|[^|]*\||\s)\s*(${NUM})([kMGTPEZY]?)\/(${NUM})([kMGTPEZY]?)$`);
const WITHOUT_TOTAL = new RegExp(String.raw`(?:^|\s)(${NUM})([kMGTPEZY]?)([^\s\d][^\s]*)?$`);
const RATE_PER_S = new RegExp(String.raw`^(${NUM}|\?)([kMGTPEZY]?)(.*)\/s$`);
const RATE_S_PER = new RegExp(String.raw`^(${NUM})([kMGTPEZY]?)s\/(.+)$`);
/** The part of a line worth reading: tqdm lines are short, and this bounds the work per line. */
const MAX_LINE_CHARS = 1024;

export function parseClockS(text: string): number {
  let s = 0;
  for (const part of text.split(':')) s = s * 60 + Number(part);
  return s;
}

function scaled(numText: string, prefix: string, unitAfter: string | null): { value: number; unit: string | null } {
  const value = Number(numText);
  if (prefix === '') return { value, unit: unitAfter };
  // "12.3kit" is 12,300 it; "12.3Tokens" is 12.3 "Tokens": scale only when the rest is a known unit.
  if (unitAfter === null || SCALED_UNITS.has(unitAfter)) return { value: value * (SCALE[prefix] as number), unit: unitAfter };
  return { value, unit: prefix + unitAfter };
}

function parseRate(text: string, forceScale: boolean): { ratePerS: number | null; unit: string } | null {
  const perS = RATE_PER_S.exec(text);
  if (perS) {
    const unit = perS[3] as string;
    if (perS[1] === '?') return { ratePerS: null, unit: (perS[2] as string) + unit };
    if (forceScale && perS[2]) return { ratePerS: Number(perS[1]) * (SCALE[perS[2] as string] as number), unit };
    const r = scaled(perS[1] as string, perS[2] as string, unit);
    return { ratePerS: r.value, unit: r.unit ?? '' };
  }
  const sPer = RATE_S_PER.exec(text);
  if (sPer) {
    const secondsPerUnit = Number(sPer[1]) * (SCALE[sPer[2] as string] as number);
    return { ratePerS: secondsPerUnit > 0 ? 1 / secondsPerUnit : null, unit: sPer[3] as string };
  }
  return null;
}

const cleanDesc = (head: string): string => head.replace(/:\s*$/, '').trim();

function parseAt(head: string, inner: string): TqdmLine | null {
  const m = INNER.exec(inner);
  if (!m) return null;
  const elapsedS = parseClockS(m[1] as string);
  const remainingText = m[2];
  const rateText = m[3] as string;
  const trimmedHead = head.trimEnd();

  if (remainingText !== undefined) {
    const t = WITH_TOTAL.exec(trimmedHead);
    if (!t) return null;
    const forceScale = Boolean(t[3] || t[5]);
    const rate = parseRate(rateText, forceScale);
    if (!rate) return null;
    const n = Number(t[2]) * (SCALE[t[3] as string] as number);
    const total = Number(t[4]) * (SCALE[t[5] as string] as number);
    return {
      desc: cleanDesc(trimmedHead.slice(0, t.index)),
      n,
      total,
      percent: Number(t[1]),
      unit: rate.unit,
      rateUnitsPerS: rate.ratePerS,
      elapsedS,
      remainingS: remainingText === '?' ? null : parseClockS(remainingText),
    };
  }

  const u = WITHOUT_TOTAL.exec(trimmedHead);
  if (!u) return null;
  const unitAfter = u[3] ?? '';
  const n = scaled(u[1] as string, u[2] as string, unitAfter);
  const rate = parseRate(rateText, Boolean(u[2]) && n.unit === unitAfter);
  if (!rate) return null;
  return {
    desc: cleanDesc(trimmedHead.slice(0, u.index + (u[0].startsWith(' ') ? 1 : 0))),
    n: n.value,
    total: null,
    percent: null,
    unit: n.unit ?? rate.unit,
    rateUnitsPerS: rate.ratePerS,
    elapsedS,
    remainingS: null,
  };
}

/** The bar on a visible line, or null when the line is not a tqdm bar. Never throws. */
export function parseTqdmLine(line: string): TqdmLine | null {
  const s = (line.length > MAX_LINE_CHARS ? line.slice(-MAX_LINE_CHARS) : line).trimEnd();
  if (!s.endsWith(']')) return null;
  // The statistics sit in the last [...]; a postfix may hold brackets of its own, so try a few.
  let lb = s.length - 1;
  for (let attempt = 0; attempt < 4; attempt++) {
    lb = s.lastIndexOf('[', lb - 1);
    if (lb < 0) return null;
    const parsed = parseAt(s.slice(0, lb), s.slice(lb + 1, -1));
    if (parsed && Number.isFinite(parsed.n) && parsed.n >= 0 && (parsed.total === null || (Number.isFinite(parsed.total) && parsed.total >= 0))) {
      return parsed;
    }
  }
  return null;
}
