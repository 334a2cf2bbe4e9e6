/**
 * CSV intensity files: Let's Wait Awhile (`Time,Carbon Intensity`, naive UTC), the Electricity Maps
 * data-portal export (header with the non-ASCII subscript in gCO₂eq), and plain `time,value`
 * (optionally `duration_s`). Parsed with csv-parse; every line is checked and every bad line is
 * reported with its number.
 */
import { parse } from 'csv-parse/sync';
import { GreenmlError } from '../core/index.js';
import { type LineErrors, readValue, type TimedValue } from './parse-kit.js';
import { parseTimestamp } from './time.js';

export interface CsvRow {
  line: number;
  cells: string[];
}

export function readCsv(text: string, fileName: string): { header: CsvRow; rows: CsvRow[] } {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as typeof records;
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new GreenmlError('INVALID_INPUT', `${fileName}${line ? `, line ${line}` : ''}: not valid CSV (${(e as Error).message}). Nothing was imported.`, {
      cause: e,
      details: { file: fileName, errors: line ? [{ line, message: (e as Error).message }] : [] },
    });
  }
  const [first, ...rest] = records;
  if (!first) throw new GreenmlError('INVALID_INPUT', `${fileName} is empty; nothing was imported.`);
  return { header: { line: first.info.lines, cells: first.record }, rows: rest.map((r) => ({ line: r.info.lines, cells: r.record })) };
}

/** Header cells compared without case, spaces or the subscript ₂ (a re-saved export may turn it into 2). */
export const normalizeHeader = (cell: string): string => cell.replace(/₂/g, '2').replace(/\s+/g, '').toLowerCase();

export function columnIndex(header: CsvRow, names: readonly string[], fileName: string, hint: string): number {
  const wanted = names.map(normalizeHeader);
  const i = header.cells.findIndex((c) => wanted.includes(normalizeHeader(c)));
  if (i < 0) {
    throw new GreenmlError('INVALID_INPUT', `${fileName}, line ${header.line}: no "${names[0]}" column (found: ${header.cells.join(', ')}). ${hint}`, {
      details: { file: fileName, errors: [{ line: header.line, message: `missing column ${names[0]}` }] },
    });
  }
  return i;
}

/** Rows of (time, value[, duration]) with every bad cell recorded. */
export function timedValues(
  rows: readonly CsvRow[],
  columns: { time: number; value: number; duration?: number },
  errors: LineErrors,
  naiveIsUtc: boolean,
): TimedValue[] {
  const width = Math.max(columns.time, columns.value, columns.duration ?? 0) + 1;
  const out: TimedValue[] = [];
  for (const { line, cells } of rows) {
    if (cells.length < width) {
      errors.add(line, `expected at least ${width} columns, found ${cells.length}`);
      continue;
    }
    const time = parseTimestamp(cells[columns.time] as string, naiveIsUtc);
    if (!time.ok) errors.add(line, time.message);
    const value = readValue(cells[columns.value], line, errors);
    let durationS: number | undefined;
    if (columns.duration !== undefined) {
      const raw = (cells[columns.duration] as string).trim();
      if (raw !== '') {
        durationS = Number(raw);
        if (!(Number.isFinite(durationS) && durationS > 0)) {
          errors.add(line, `duration_s "${raw}" is not a positive number of seconds`);
          durationS = undefined;
        }
      }
    }
    if (time.ok && value !== null) out.push({ line, t: time.ms, value, ...(durationS === undefined ? {} : { durationS }) });
  }
  return out;
}

export const LWA_HEADER = ['Time', 'Carbon Intensity'] as const;
export const EM_COLUMNS = {
  time: 'Datetime (UTC)',
  zone: 'Zone Id',
  direct: 'Carbon Intensity gCO₂eq/kWh (direct)',
  lca: 'Carbon Intensity gCO₂eq/kWh (LCA)',
} as const;
