/** Readers for the shared data bundle: CSV with a header row, and numbers that may be blank. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

export function makeReader(sharedDir) {
  const path = (...parts) => join(sharedDir, ...parts);
  return {
    path,
    text: (...parts) => readFileSync(path(...parts), 'utf8'),
    json: (...parts) => JSON.parse(readFileSync(path(...parts), 'utf8')),
    /** Rows as objects keyed by header. `skipLines` drops lines above the header (Green Algorithms files have one). */
    csv: (file, { skipLines = 0 } = {}) => {
      const text = readFileSync(path(file), 'utf8').split(/\r?\n/).slice(skipLines).join('\n');
      return parse(text, { columns: true, skip_empty_lines: true, relax_column_count: true, trim: false });
    },
  };
}

/** A number, or null for blank/NaN cells. */
export function num(cell) {
  if (cell === undefined || cell === null) return null;
  const s = String(cell).trim();
  if (s === '' || /^(nan|unk|unknown|none)$/i.test(s)) return null;
  const n = Number(s.replace(/[^0-9.eE+-]/g, ''));
  return Number.isFinite(n) ? n : null;
}

/** Rounds to `digits` decimals, removing binary noise such as 708.1999999999999. */
export const round = (x, digits = 3) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
