/**
 * What every file format shares: per-line errors collected and reported together (a file is
 * imported whole or not at all), value checks, and the step of each point inferred from the
 * timestamps that follow it.
 */
import { GreenmlError, type IntensityPoint } from '../core/index.js';

/**
 * Values above this are a unit mistake (mg, g/MWh or lbs/MWh), not a grid: the most carbon-intensive
 * generation, lignite, is about 1,000-1,200 gCO2e/kWh over its life cycle (IPCC AR5 WGIII Annex III,
 * 2014, coal PC max 1,000+; LWA's factor for coal and lignite 1,001). 2,000 g/kWh leaves room for
 * marginal signals without letting a x1000 slip through.
 */
export const MAX_PLAUSIBLE_G_PER_KWH = 2000;
/** Lines listed in an error message; the rest are counted (all go into details, up to 1,000). */
const LISTED = 10;

export interface LineError {
  line: number;
  message: string;
}

export class LineErrors {
  readonly list: LineError[] = [];
  add(line: number, message: string): void {
    this.list.push({ line, message });
  }
  get count(): number {
    return this.list.length;
  }
  /** Throws one INVALID_INPUT naming the file and every bad line (the first few in the message). */
  throwIfAny(fileName: string): void {
    if (this.list.length === 0) return;
    const shown = this.list.slice(0, LISTED).map((e) => `  line ${e.line}: ${e.message}`);
    const more = this.list.length > LISTED ? [`  … and ${this.list.length - LISTED} more`] : [];
    throw new GreenmlError(
      'INVALID_INPUT',
      `${fileName}: ${this.list.length} bad line(s); nothing was imported. Fix them and try again:\n${[...shown, ...more].join('\n')}`,
      { details: { file: fileName, errors: this.list.slice(0, 1000), count: this.list.length } },
    );
  }
}

/** A number of g/kWh from a cell: finite, >= 0, not absurd. Returns null (and records why) otherwise. */
export function readValue(raw: unknown, line: number, errors: LineErrors, what = 'intensity'): number | null {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : NaN;
  if (!Number.isFinite(n)) {
    errors.add(line, `${what} ${JSON.stringify(raw ?? null)} is not a number`);
    return null;
  }
  if (n < 0) {
    errors.add(line, `${what} ${n} is negative`);
    return null;
  }
  if (n > MAX_PLAUSIBLE_G_PER_KWH) {
    errors.add(line, `${what} ${n} g/kWh is implausible (above ${MAX_PLAUSIBLE_G_PER_KWH}); check the unit`);
    return null;
  }
  return n;
}

export interface TimedValue {
  line: number;
  t: number;
  value: number;
  /** Given by the file; otherwise inferred from the next timestamp. */
  durationS?: number;
}

export interface InferredPoints {
  points: IntensityPoint[];
  /** Steps longer than 1.5 x the median step, read as missing data rather than a long point. */
  gaps: number;
}

/**
 * Points from timestamped values: times must strictly increase; a point lasts until the next one,
 * except across a gap (a step over 1.5 x the median step, e.g. a missing hour in hourly data),
 * where it lasts one median step. The last point lasts the step before it (or nominalStepS).
 */
export function inferPoints(rows: readonly TimedValue[], errors: LineErrors, nominalStepS?: number): InferredPoints {
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1] as TimedValue;
    const b = rows[i] as TimedValue;
    if (b.t <= a.t) errors.add(b.line, `time is not after the previous line's (line ${a.line}); sort the file and remove duplicates`);
  }
  if (errors.count > 0) return { points: [], gaps: 0 };
  const steps = rows.slice(1).map((r, i) => (r.t - (rows[i] as TimedValue).t) / 1000);
  const sorted = [...steps].sort((x, y) => x - y);
  const median = sorted.length > 0 ? (sorted[Math.floor((sorted.length - 1) / 2)] as number) : nominalStepS;
  let gaps = 0;
  const points = rows.map((r, i): IntensityPoint => {
    if (r.durationS !== undefined) return { t: r.t, durationS: r.durationS, intensityGPerKwh: r.value };
    const step = steps[i];
    let durationS: number;
    if (step === undefined) durationS = steps[i - 1] ?? nominalStepS ?? NaN;
    else if (median !== undefined && step > 1.5 * median) {
      durationS = median;
      gaps++;
    } else durationS = step;
    if (!(durationS > 0)) errors.add(r.line, 'a single line cannot say how long its value holds; give at least two lines or a duration column');
    return { t: r.t, durationS, intensityGPerKwh: r.value };
  });
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as IntensityPoint;
    const b = points[i] as IntensityPoint;
    if (a.t + a.durationS * 1000 > b.t) errors.add((rows[i] as TimedValue).line, `the previous line's duration (${a.durationS} s) runs past this line's time`);
  }
  return { points, gaps };
}
