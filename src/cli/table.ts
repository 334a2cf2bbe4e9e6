/** Plain aligned tables for terminal output; numbers and figures are right-aligned. */
import { colors } from './output.js';

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: 'left' | 'right';
}

// eslint-disable-next-line no-control-regex
const visibleLength = (s: string): number => s.replace(/\x1b\[[0-9;]*m/g, '').length;

export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => c.value(r)));
  const widths = columns.map((c, i) => Math.max(visibleLength(c.header), ...cells.map((row) => visibleLength(row[i] ?? ''))));
  const pad = (s: string, i: number): string => {
    const gap = ' '.repeat((widths[i] ?? 0) - visibleLength(s));
    return columns[i]?.align === 'right' ? gap + s : s + gap;
  };
  const c = colors();
  const header = columns.map((col, i) => c.bold(pad(col.header, i))).join('  ');
  return [header, ...cells.map((row) => row.map((s, i) => pad(s, i)).join('  ').trimEnd())].join('\n');
}
