/**
 * One entry point for intensity files: detect the format (or take the one given), parse and
 * check every line, and return one series, or throw INVALID_INPUT listing every bad line.
 * All or nothing: a file with one bad line imports nothing.
 *
 * Electricity Maps exports carry two intensities per hour: "direct" (combustion at the power
 * plant) and "LCA" (life cycle: also fuel supply, construction, decommissioning). greenml reads
 * LCA unless told otherwise, because it is what the Electricity Maps API returns by default
 * (emissionFactorType=lifecycle), what the catalog's country averages are (Ember/OWID, life
 * cycle) and what the Let's Wait Awhile series are (IPCC life-cycle factors); so an imported
 * file, a live fetch and the static fallback of the same zone agree. Choose "direct" to match
 * Scope 2 location-based factors that exclude upstream emissions.
 */
import { GreenmlError, didYouMean, type IntensitySeries, type IntensitySignal } from '../core/index.js';
import { EM_COLUMNS, LWA_HEADER, columnIndex, normalizeHeader, readCsv, timedValues } from './csv-formats.js';
import { casdkLocations, casdkValues, jsonEntries, plainValues } from './json-formats.js';
import { LineErrors, inferPoints, type TimedValue } from './parse-kit.js';

export const FILE_FORMATS = ['lwa', 'electricitymaps', 'csv', 'json'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];
export const EM_COLUMN_CHOICES = ['lca', 'direct'] as const;
export type EmColumn = (typeof EM_COLUMN_CHOICES)[number];
/** The Electricity Maps portal exports hourly values. */
const EM_STEP_S = 3600;

export interface ParseFileOptions {
  /** Shown in messages and in the series' source, e.g. the file's base name. */
  name: string;
  format?: FileFormat;
  /** Zone the values describe. Required for files that do not name it (lwa, csv, plain json). */
  zone?: string;
  /** Electricity Maps exports: which intensity column; default lca (see the module comment). */
  column?: EmColumn;
  /** Signal of the values for csv/json files (default average); lwa and Electricity Maps are average. */
  signal?: IntensitySignal;
}

export interface ParsedFile {
  series: IntensitySeries;
  format: FileFormat;
  /** Data lines (or JSON entries) read. */
  lines: number;
  /** Missing stretches found between points (see inferPoints). */
  gaps: number;
}

export function checkFormat(format: string): FileFormat {
  if ((FILE_FORMATS as readonly string[]).includes(format)) return format as FileFormat;
  throw new GreenmlError('INVALID_INPUT', `Unknown intensity file format "${format}".${didYouMean(format, FILE_FORMATS)} Formats: ${FILE_FORMATS.join(', ')}.`);
}

/** Format from the first line (CSV header) or the first character (JSON). */
export function detectFormat(text: string, name: string): FileFormat {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body.startsWith('[') || body.startsWith('{')) return 'json';
  const header = (body.split(/\r?\n/, 1)[0] ?? '').split(',').map(normalizeHeader);
  if (header.includes(normalizeHeader(EM_COLUMNS.time)) && header.some((h) => h.startsWith('carbonintensity'))) return 'electricitymaps';
  if (header.length >= 2 && header[0] === normalizeHeader(LWA_HEADER[0]) && header[1] === normalizeHeader(LWA_HEADER[1])) return 'lwa';
  if (header.includes('time') && header.includes('value')) return 'csv';
  throw new GreenmlError(
    'INVALID_INPUT',
    `${name}: cannot tell the format from its first line ("${(body.split(/\r?\n/, 1)[0] ?? '').slice(0, 80)}"). ` +
      `Give the format (${FILE_FORMATS.join(', ')}); a plain CSV needs a "time,value" header.`,
  );
}

function requireZone(zone: string | undefined, name: string, format: FileFormat): string {
  if (zone && zone.trim() !== '') return zone.trim();
  throw new GreenmlError('INVALID_INPUT', `${name}: a ${format} file does not say which zone it describes; give the zone (e.g. --zone DE).`);
}

function finish(rows: TimedValue[], errors: LineErrors, lines: number, opts: ParseFileOptions, meta: { format: FileFormat; zone: string; signal: IntensitySignal; source: string; stepS?: number }): ParsedFile {
  errors.throwIfAny(opts.name);
  if (rows.length === 0) throw new GreenmlError('INVALID_INPUT', `${opts.name}: no data lines${meta.format === 'json' ? ` for zone ${meta.zone}` : ''}; nothing was imported.`);
  const { points, gaps } = inferPoints(rows, errors, meta.stepS);
  errors.throwIfAny(opts.name);
  return { series: { zone: meta.zone, signal: meta.signal, kind: 'actual', source: meta.source, points }, format: meta.format, lines, gaps };
}

function parseLwa(text: string, opts: ParseFileOptions): ParsedFile {
  const zone = requireZone(opts.zone, opts.name, 'lwa');
  const { header, rows } = readCsv(text, opts.name);
  const hint = 'A Let\'s Wait Awhile file starts with "Time,Carbon Intensity".';
  const time = columnIndex(header, [LWA_HEADER[0]], opts.name, hint);
  const value = columnIndex(header, [LWA_HEADER[1]], opts.name, hint);
  const errors = new LineErrors();
  const values = timedValues(rows, { time, value }, errors, true);
  return finish(values, errors, rows.length, opts, {
    format: 'lwa',
    zone,
    signal: 'average',
    source: `${opts.name} (Let's Wait Awhile format: production-based, IPCC 2011 life-cycle factors; Wiesner et al. 2021)`,
  });
}

function parseElectricityMaps(text: string, opts: ParseFileOptions): ParsedFile {
  const column: EmColumn = opts.column ?? 'lca';
  const { header, rows } = readCsv(text, opts.name);
  const hint = 'Use an hourly CSV export from the Electricity Maps data portal.';
  const time = columnIndex(header, [EM_COLUMNS.time], opts.name, hint);
  const zoneCol = columnIndex(header, [EM_COLUMNS.zone], opts.name, hint);
  const value = columnIndex(header, [EM_COLUMNS[column]], opts.name, hint);
  const errors = new LineErrors();
  const zones = [...new Set(rows.map((r) => r.cells[zoneCol] ?? '').filter((z) => z !== ''))];
  if (zones.length > 1) throw new GreenmlError('INVALID_INPUT', `${opts.name} holds several zones (${zones.join(', ')}); import one zone per file.`);
  const fileZone = zones[0];
  if (opts.zone && fileZone && opts.zone.toUpperCase() !== fileZone.toUpperCase()) {
    throw new GreenmlError('INVALID_INPUT', `${opts.name} is for zone ${fileZone}, not ${opts.zone}; drop --zone or give ${fileZone}.`);
  }
  const zone = fileZone ?? requireZone(opts.zone, opts.name, 'electricitymaps');
  const values = timedValues(rows, { time, value }, errors, true);
  return finish(values, errors, rows.length, opts, {
    format: 'electricitymaps',
    zone,
    signal: 'average',
    stepS: EM_STEP_S,
    source: `${opts.name} (Electricity Maps data portal, ${column === 'lca' ? 'life-cycle' : 'direct'} intensity, consumption-based; ODbL)`,
  });
}

function parsePlainCsv(text: string, opts: ParseFileOptions): ParsedFile {
  const zone = requireZone(opts.zone, opts.name, 'csv');
  const { header, rows } = readCsv(text, opts.name);
  const hint = 'A plain CSV has the header "time,value" (and optionally "duration_s"); times in ISO 8601 with Z or an offset.';
  const time = columnIndex(header, ['time'], opts.name, hint);
  const value = columnIndex(header, ['value'], opts.name, hint);
  const durationIdx = header.cells.findIndex((c) => ['duration_s', 'durations'].includes(normalizeHeader(c)));
  const errors = new LineErrors();
  const values = timedValues(rows, { time, value, ...(durationIdx >= 0 ? { duration: durationIdx } : {}) }, errors, false);
  return finish(values, errors, rows.length, opts, { format: 'csv', zone, signal: opts.signal ?? 'average', source: `${opts.name} (CSV file)` });
}

function parseJsonFile(text: string, opts: ParseFileOptions): ParsedFile {
  const { shape, entries } = jsonEntries(text, opts.name);
  const errors = new LineErrors();
  if (shape === 'plain') {
    const zone = requireZone(opts.zone, opts.name, 'json');
    return finish(plainValues(entries, errors), errors, entries.length, opts, { format: 'json', zone, signal: opts.signal ?? 'average', source: `${opts.name} (JSON file)` });
  }
  const locations = casdkLocations(entries);
  let zone = opts.zone?.trim();
  if (!zone) {
    if (locations.length !== 1) throw new GreenmlError('INVALID_INPUT', `${opts.name} holds several locations (${locations.join(', ')}); choose one with --zone.`);
    zone = locations[0] as string;
  } else if (!locations.includes(zone)) {
    throw new GreenmlError('INVALID_INPUT', `${opts.name} has no entries for location "${zone}".${didYouMean(zone, locations)} Locations in the file: ${locations.join(', ')}.`);
  }
  const values = casdkValues(entries, zone, errors);
  return finish(values, errors, entries.length, opts, { format: 'json', zone, signal: opts.signal ?? 'average', source: `${opts.name} (Carbon Aware SDK JSON file)` });
}

export function parseIntensityFile(text: string, opts: ParseFileOptions): ParsedFile {
  const format = opts.format ?? detectFormat(text, opts.name);
  switch (format) {
    case 'lwa':
      return parseLwa(text, opts);
    case 'electricitymaps':
      return parseElectricityMaps(text, opts);
    case 'csv':
      return parsePlainCsv(text, opts);
    case 'json':
      return parseJsonFile(text, opts);
  }
}
