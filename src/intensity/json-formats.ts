/**
 * JSON intensity files: a plain array `[{ "time": ISO, "value": n, "durationS"?: s }]`, and the
 * Carbon Aware SDK's JSON data-source file `{ "Emissions": [{ "Location", "Time", "Rating",
 * "Duration"? }] }` (Model/EmissionsJsonFile.cs; a bare array of those entries is accepted too).
 * Errors name the line each entry starts on.
 */
import { GreenmlError } from '../core/index.js';
import { type LineErrors, readValue, type TimedValue } from './parse-kit.js';
import { parseTimestamp } from './time.js';

const lineAt = (text: string, offset: number): number => {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
};

/** Line on which each object directly inside the array at `depth` starts (JSON already known valid). */
function elementLines(text: string, depth: number): number[] {
  const lines: number[] = [];
  let level = 0;
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (c === '{' && level === depth) lines.push(line);
      level++;
    } else if (c === '}' || c === ']') level--;
  }
  return lines;
}

export function readJson(text: string, fileName: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message);
    const line = at ? lineAt(text, Number(at[1])) : undefined;
    throw new GreenmlError('INVALID_INPUT', `${fileName}${line ? `, line ${line}` : ''}: not valid JSON (${(e as Error).message}). Nothing was imported.`, {
      cause: e,
      details: { file: fileName, errors: line ? [{ line, message: (e as Error).message }] : [] },
    });
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** .NET TimeSpan text ("01:00:00", "1.02:30:00", "00:30") to seconds. */
export function timeSpanS(text: string): number | null {
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/.exec(text.trim());
  if (!m) return null;
  const [, d, h, mi, s, frac] = m;
  return Number(d ?? 0) * 86_400 + Number(h) * 3600 + Number(mi) * 60 + Number(s ?? 0) + (frac ? Number(`0.${frac}`) : 0);
}

export type JsonShape = 'plain' | 'casdk';

export interface JsonEntries {
  shape: JsonShape;
  entries: Array<{ line: number; entry: unknown }>;
}

export function jsonEntries(text: string, fileName: string): JsonEntries {
  const doc = readJson(text, fileName);
  const items = Array.isArray(doc) ? doc : isRecord(doc) && Array.isArray(doc.Emissions) ? doc.Emissions : null;
  if (!items) {
    throw new GreenmlError(
      'INVALID_INPUT',
      `${fileName}: expected a JSON array of {"time", "value"} entries or a Carbon Aware SDK file {"Emissions": [...]}; nothing was imported.`,
    );
  }
  const lines = elementLines(text, Array.isArray(doc) ? 1 : 2);
  const first: unknown = items[0];
  const shape: JsonShape = isRecord(first) && ('Rating' in first || 'Location' in first) ? 'casdk' : 'plain';
  return { shape, entries: items.map((entry, i) => ({ line: lines.length === items.length ? (lines[i] as number) : i + 1, entry })) };
}

export function plainValues(entries: JsonEntries['entries'], errors: LineErrors): TimedValue[] {
  const out: TimedValue[] = [];
  for (const { line, entry } of entries) {
    if (!isRecord(entry)) {
      errors.add(line, 'expected an object {"time": ISO, "value": g/kWh}');
      continue;
    }
    const time = typeof entry.time === 'string' ? parseTimestamp(entry.time, false) : ({ ok: false, message: 'missing "time" (an ISO 8601 string)' } as const);
    if (!time.ok) errors.add(line, time.message);
    const value = readValue(entry.value, line, errors, '"value"');
    const rawDuration = entry.durationS ?? entry.duration_s;
    const durationS = typeof rawDuration === 'number' && rawDuration > 0 ? rawDuration : undefined;
    if (rawDuration !== undefined && durationS === undefined) errors.add(line, `"durationS" ${JSON.stringify(rawDuration)} is not a positive number of seconds`);
    if (time.ok && value !== null) out.push({ line, t: time.ms, value, ...(durationS === undefined ? {} : { durationS }) });
  }
  return out;
}

export function casdkLocations(entries: JsonEntries['entries']): string[] {
  return [...new Set(entries.map(({ entry }) => (isRecord(entry) && typeof entry.Location === 'string' ? entry.Location : '')).filter((l) => l !== ''))];
}

export function casdkValues(entries: JsonEntries['entries'], location: string, errors: LineErrors): TimedValue[] {
  const out: TimedValue[] = [];
  for (const { line, entry } of entries) {
    if (!isRecord(entry)) {
      errors.add(line, 'expected an object {"Location", "Time", "Rating", "Duration"?}');
      continue;
    }
    if (typeof entry.Location !== 'string') {
      errors.add(line, 'missing "Location"');
      continue;
    }
    if (entry.Location !== location) continue;
    const time = typeof entry.Time === 'string' ? parseTimestamp(entry.Time, false) : ({ ok: false, message: 'missing "Time" (an ISO 8601 string)' } as const);
    if (!time.ok) errors.add(line, time.message);
    const value = readValue(entry.Rating, line, errors, '"Rating"');
    let durationS: number | undefined;
    if (entry.Duration !== undefined && entry.Duration !== null) {
      const parsed = typeof entry.Duration === 'string' ? timeSpanS(entry.Duration) : null;
      if (parsed === null || parsed <= 0) errors.add(line, `"Duration" ${JSON.stringify(entry.Duration)} is not a TimeSpan such as "01:00:00"`);
      else durationS = parsed;
    }
    if (time.ok && value !== null) out.push({ line, t: time.ms, value, ...(durationS === undefined ? {} : { durationS }) });
  }
  return out;
}
