/**
 * `greenml intensity show <zone>`: draw a zone's grid carbon intensity in the terminal (reported
 * values up to now, a forecast after), from the catalog's annual averages, a file, a live provider
 * (cached in the store) or what the store holds. `greenml intensity import <file>`: check a file
 * line by line and store it whole, or nothing.
 */
import type { Command } from 'commander';
import {
  GreenmlError,
  formatDurationS,
  isGreenmlError,
  parseDurationS,
  parseNumberIn,
  type Factor,
  type IntensityPoint,
  type IntensitySeries,
  type IntensitySignal,
} from '../../core/index.js';
import type { FetchLike, IntensitySource, SourceId } from '../../intensity/index.js';
import type { Store } from '../../store/index.js';
import { colors, printJson, printLine, warn } from '../output.js';
import type { RegisterCommand } from './index.js';

const HOUR_MS = 3_600_000;
const SHOW_SOURCES = ['static', 'file', 'electricitymaps', 'watttime', 'gb', 'store'] as const satisfies readonly SourceId[];

export interface ShowFlags {
  from?: string;
  to?: string;
  source?: string;
  file?: string;
  format?: string;
  column?: string;
  signal?: string;
  height?: string;
  json?: boolean;
  db?: string;
}

export interface ImportFlags {
  zone?: string;
  format?: string;
  column?: string;
  signal?: string;
  json?: boolean;
  db?: string;
}

/** What the commands take from the outside world; tests pass a clock and recorded responses. */
export interface IntensityDeps {
  nowMs: number;
  env: Record<string, string | undefined>;
  cwd: string;
  fetch?: FetchLike;
  openStore?: (opts: { db?: string }) => Promise<Store>;
}

const defaultDeps = (): IntensityDeps => ({ nowMs: Date.now(), env: process.env, cwd: process.cwd() });

/** "-24h", "+2d", "now", an ISO 8601 time with a zone, or a date (midnight UTC). */
export async function parseWhen(text: string, nowMs: number, what: string): Promise<number> {
  const s = text.trim();
  if (s.toLowerCase() === 'now') return nowMs;
  const rel = /^([+-])\s*(.+)$/.exec(s);
  if (rel) return nowMs + (rel[1] === '-' ? -1 : 1) * parseDurationS(rel[2] as string, what) * 1000;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return parseWhen(`${s}T00:00Z`, nowMs, what);
  const { parseTimestamp } = await import('../../intensity/index.js');
  const t = parseTimestamp(s, false);
  if (t.ok) return t.ms;
  throw new GreenmlError('INVALID_INPUT', `Invalid ${what} "${text}": ${t.message}. Or give a time relative to now, e.g. -24h or +2d.`);
}

function oneOf<T extends string>(text: string | undefined, allowed: readonly T[], what: string): T | undefined {
  if (text === undefined) return undefined;
  const v = text.trim().toLowerCase();
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new GreenmlError('INVALID_INPUT', `Invalid ${what} "${text}": use one of ${allowed.join(', ')}.`);
}

// ---------------------------------------------------------------------------------------------
// sources

async function staticLookup(): Promise<(zone: string) => Factor> {
  const { countryIntensity, findRegion, regionIntensity } = await import('../../catalog/index.js');
  return (zone) => (zone.includes(':') ? regionIntensity(findRegion(zone)) : countryIntensity(zone));
}

/** A cloud region (gcp:europe-west4) names its Electricity Maps zone in the catalog. */
async function electricityMapsZone(zone: string): Promise<string> {
  if (!zone.includes(':')) return zone;
  const { findRegion } = await import('../../catalog/index.js');
  const region = findRegion(zone);
  if (!region.electricityMapsZone) throw new GreenmlError('UNKNOWN_ID', `The catalog has no Electricity Maps zone for ${region.id}; give the zone itself, e.g. DE or US-CAL-CISO.`);
  return region.electricityMapsZone;
}

interface BuiltSource {
  source: IntensitySource;
  /** The zone as the source names it. */
  zone: string;
  close: () => Promise<void>;
}

async function openOptionalStore(flags: { db?: string }, deps: IntensityDeps, why: string): Promise<Store | null> {
  try {
    const open = deps.openStore ?? (await import('../db.js')).openCliStore;
    return await open({ db: flags.db });
  } catch (e) {
    if (isGreenmlError(e) && e.code === 'STORE_UNAVAILABLE') {
      warn(`${e.message} Going on without it (${why}).`);
      return null;
    }
    throw e;
  }
}

async function buildSource(zone: string, sourceId: SourceId, flags: ShowFlags, deps: IntensityDeps, store: Store | null): Promise<BuiltSource> {
  const intensity = await import('../../intensity/index.js');
  const now = (): number => deps.nowMs;
  const close = async (): Promise<void> => {
    await store?.close();
  };
  const live = (source: IntensitySource, z: string): BuiltSource => ({
    source: intensity.withBaselineForecast(store ? intensity.cachedSource(source, store, { nowMs: now }) : source, { nowMs: now }),
    zone: z,
    close,
  });
  // Credentials come from the settings: GREENML_ELECTRICITYMAPS_TOKEN, GREENML_WATTTIME_USERNAME and
  // GREENML_WATTTIME_PASSWORD, or the keys electricitymapsToken, watttimeUsername, watttimePassword
  // in greenml.config.json.
  const { resolveSettings } = await import('../config.js');
  switch (sourceId) {
    case 'static':
      return { source: intensity.staticSource(await staticLookup()), zone, close };
    case 'store':
      if (!store) throw new GreenmlError('STORE_UNAVAILABLE', 'The store cannot be opened, so there is no stored intensity to show; check --db or GREENML_DB.');
      return { source: intensity.withBaselineForecast(intensity.storedSource(store), { nowMs: now }), zone, close };
    case 'file': {
      if (!flags.file) throw new GreenmlError('INVALID_INPUT', '--source file needs --file <path> (a Let\'s Wait Awhile, Electricity Maps, time,value CSV or JSON file).');
      const format = flags.format === undefined ? undefined : intensity.checkFormat(flags.format);
      const column = oneOf(flags.column, intensity.EM_COLUMN_CHOICES, '--column');
      const spec = { path: flags.file, zone, ...(format ? { format } : {}), ...(column ? { column } : {}) };
      return { source: intensity.withBaselineForecast(intensity.fileSource([spec]), { nowMs: now }), zone, close };
    }
    case 'electricitymaps': {
      const { values } = resolveSettings({ flags: {}, env: deps.env, cwd: deps.cwd });
      const column = oneOf(flags.column, intensity.EM_COLUMN_CHOICES, '--column');
      const source = intensity.electricityMapsSource({
        token: values.electricitymapsToken ?? '',
        emissionFactorType: column === 'direct' ? 'direct' : 'lifecycle',
        nowMs: now,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      });
      return live(source, await electricityMapsZone(zone));
    }
    case 'watttime': {
      const { values } = resolveSettings({ flags: {}, env: deps.env, cwd: deps.cwd });
      const signal = oneOf<IntensitySignal>(flags.signal, ['marginal', 'average'], '--signal') ?? 'marginal';
      const source = intensity.wattTimeSource({
        username: values.watttimeUsername ?? '',
        password: values.watttimePassword ?? '',
        signal,
        nowMs: now,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      });
      return live(source, zone);
    }
    case 'gb':
      return live(intensity.gbCarbonIntensitySource(deps.fetch ? { fetch: deps.fetch } : {}), zone);
  }
}

// ---------------------------------------------------------------------------------------------
// show

export interface SeriesStats {
  points: number;
  stepS: number | null;
  minGPerKwh: number;
  meanGPerKwh: number;
  maxGPerKwh: number;
}

export interface ShowResult {
  zone: string;
  fromMs: number;
  toMs: number;
  nowMs: number;
  source: { id: SourceId; name: string };
  signal: IntensitySignal;
  /** Reported values up to now (static: the annual average over the whole span). */
  history: IntensitySeries | null;
  forecast: IntensitySeries | null;
  stats: { history: SeriesStats | null; forecast: SeriesStats | null };
  notes: string[];
}

/** Min, time-weighted mean and max over the part of [fromMs, toMs) the points cover. */
export function seriesStats(points: readonly IntensityPoint[], fromMs: number, toMs: number): SeriesStats | null {
  let weighted = 0;
  let covered = 0;
  let min = Infinity;
  let max = -Infinity;
  let n = 0;
  const steps = new Set<number>();
  for (const p of points) {
    const a = Math.max(p.t, fromMs);
    const b = Math.min(p.t + p.durationS * 1000, toMs);
    if (b <= a) continue;
    n++;
    steps.add(p.durationS);
    weighted += p.intensityGPerKwh * (b - a);
    covered += b - a;
    min = Math.min(min, p.intensityGPerKwh);
    max = Math.max(max, p.intensityGPerKwh);
  }
  if (n === 0) return null;
  return { points: n, stepS: steps.size === 1 ? ([...steps][0] as number) : null, minGPerKwh: min, meanGPerKwh: weighted / covered, maxGPerKwh: max };
}

export async function runShow(zoneArg: string, flags: ShowFlags, deps: IntensityDeps = defaultDeps()): Promise<ShowResult> {
  const zone = zoneArg.trim();
  if (!zone) throw new GreenmlError('INVALID_INPUT', 'Give a zone, e.g. greenml intensity show DE (a country, an Electricity Maps zone, a cloud region such as gcp:europe-west4, GB or a WattTime region).');
  const fromMs = await parseWhen(flags.from ?? '-24h', deps.nowMs, '--from');
  const toMs = await parseWhen(flags.to ?? '+24h', deps.nowMs, '--to');
  if (!(toMs > fromMs)) throw new GreenmlError('INVALID_INPUT', `--to (${new Date(toMs).toISOString()}) must be after --from (${new Date(fromMs).toISOString()}).`);
  if (toMs - fromMs > 400 * 24 * HOUR_MS) throw new GreenmlError('INVALID_INPUT', 'Show at most about a year (400 days) at a time; narrow --from/--to.');
  const requested = oneOf(flags.source, SHOW_SOURCES, '--source');
  const notes: string[] = [];

  const needsStore = requested === undefined || requested === 'store' || requested === 'electricitymaps' || requested === 'watttime' || requested === 'gb';
  const store = needsStore ? await openOptionalStore(flags, deps, requested === undefined ? 'showing the catalog average' : 'no cache') : null;
  let sourceId: SourceId = requested ?? 'static';
  if (requested === undefined && store) {
    const stored = await store.getIntensity(zone, { fromMs: Math.floor(fromMs), toMs: Math.ceil(toMs) });
    if (stored && stored.points.length > 0) sourceId = 'store';
  }
  if (requested === undefined && sourceId === 'static') notes.push('Nothing stored for this zone and span: showing the catalog annual average. Choose a provider with --source.');
  const built = await buildSource(zone, sourceId, flags, deps, store);
  try {
    const { source } = built;
    let history: IntensitySeries | null = null;
    let forecast: IntensitySeries | null = null;
    if (sourceId === 'static') {
      history = await source.history(built.zone, fromMs, toMs);
    } else {
      if (fromMs < deps.nowMs) history = await source.history(built.zone, fromMs, Math.min(toMs, deps.nowMs));
      if (toMs > deps.nowMs) {
        try {
          forecast = await source.forecast(built.zone, Math.max(fromMs, deps.nowMs), toMs);
        } catch (e) {
          if (!isGreenmlError(e) || e.code !== 'INFEASIBLE') throw e;
          notes.push(`No forecast: ${e.message}`);
        }
      }
    }
    const description = source.describe();
    return {
      zone: built.zone,
      fromMs,
      toMs,
      nowMs: deps.nowMs,
      source: { id: sourceId, name: description.name },
      signal: history?.signal ?? forecast?.signal ?? description.signal,
      history,
      forecast,
      stats: {
        history: history ? seriesStats(history.points, fromMs, Math.min(toMs, sourceId === 'static' ? toMs : deps.nowMs)) : null,
        forecast: forecast ? seriesStats(forecast.points, Math.max(fromMs, deps.nowMs), toMs) : null,
      },
      notes,
    };
  } finally {
    await built.close();
  }
}

/** Time-weighted means of `columns` equal slices of [fromMs, toMs); null where nothing covers a slice. */
export function resample(points: readonly IntensityPoint[], fromMs: number, toMs: number, columns: number): Array<number | null> {
  const width = (toMs - fromMs) / columns;
  return Array.from({ length: columns }, (_, i) => seriesStats(points, fromMs + i * width, fromMs + (i + 1) * width)?.meanGPerKwh ?? null);
}

const utcLabel = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + 'Z';
const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));

export async function renderShow(r: ShowResult, opts: { width: number; height: number }): Promise<string> {
  const c = colors();
  const asciichart = (await import('asciichart')).default;
  const labelWidth = 7;
  const margin = labelWidth + 2;
  const columns = Math.max(20, Math.min(120, opts.width - margin - 1));
  const all = [...(r.history?.points ?? []), ...(r.forecast?.points ?? [])];
  const raw = resample(all, r.fromMs, r.toMs, columns);
  const lines: string[] = [];
  lines.push(c.bold(`${r.zone} · ${r.source.name} · ${r.signal} signal · gCO2e/kWh`));
  const firstValue = raw.find((v) => v !== null);
  if (firstValue === undefined || firstValue === null) {
    lines.push('(no values in this span)');
  } else {
    // The chart library draws one unbroken line: carry values over gaps (the gaps are listed below).
    let last = firstValue;
    const filled = raw.map((v) => (v === null ? last : (last = v)));
    lines.push(asciichart.plot(filled, { height: opts.height, padding: ' '.repeat(labelWidth), format: (x: number) => fmt(x).padStart(labelWidth) }));
    const nowCol = Math.floor(((r.nowMs - r.fromMs) / (r.toMs - r.fromMs)) * columns);
    const showNow = r.source.id !== 'static' && nowCol >= 0 && nowCol < columns;
    if (showNow) lines.push(' '.repeat(margin + nowCol) + '▲');
    const left = utcLabel(r.fromMs);
    const right = utcLabel(r.toMs);
    lines.push(' '.repeat(margin) + left + right.padStart(Math.max(columns - left.length, right.length + 1)));
    if (showNow) lines.push(' '.repeat(margin) + `▲ now ${utcLabel(r.nowMs)}`);
    const gaps = raw.filter((v) => v === null).length;
    if (gaps > 0) lines.push(c.dim(`${gaps} of ${columns} columns have no data and are drawn flat.`));
  }
  const describe = (label: string, s: SeriesStats | null, series: IntensitySeries | null): void => {
    if (!s || !series) return;
    const step = s.stepS === null ? 'mixed steps' : `${formatDurationS(s.stepS)} steps`;
    lines.push(`${label.padEnd(9)} ${s.points} points, ${step}  min ${fmt(s.minGPerKwh)}  mean ${fmt(s.meanGPerKwh)}  max ${fmt(s.maxGPerKwh)}  ${c.dim(`(${series.kind}: ${series.source})`)}`);
  };
  describe(r.source.id === 'static' ? 'static' : 'actual', r.stats.history, r.history);
  describe('forecast', r.stats.forecast, r.forecast);
  for (const note of r.notes) lines.push(c.dim(note));
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// import

export interface ImportResult {
  file: string;
  format: string;
  zone: string;
  source: string;
  signal: IntensitySignal;
  kind: IntensitySeries['kind'];
  points: number;
  lines: number;
  gaps: number;
  fromMs: number;
  toMs: number;
  stats: SeriesStats | null;
}

export async function runImport(file: string, flags: ImportFlags, deps: IntensityDeps = defaultDeps()): Promise<ImportResult> {
  const intensity = await import('../../intensity/index.js');
  const format = flags.format === undefined ? undefined : intensity.checkFormat(flags.format);
  const column = oneOf(flags.column, intensity.EM_COLUMN_CHOICES, '--column');
  const signal = oneOf<IntensitySignal>(flags.signal, ['average', 'marginal'], '--signal');
  // Parse and check every line before the store is touched: a bad file imports nothing.
  const parsed = await intensity.readIntensityFile({
    path: file,
    ...(flags.zone ? { zone: flags.zone } : {}),
    ...(format ? { format } : {}),
    ...(column ? { column } : {}),
    ...(signal ? { signal } : {}),
  });
  const { series } = parsed;
  const first = series.points[0] as IntensityPoint;
  const last = series.points[series.points.length - 1] as IntensityPoint;
  const toMs = last.t + last.durationS * 1000;
  const open = deps.openStore ?? (await import('../db.js')).openCliStore;
  const store = await open({ db: flags.db });
  try {
    await store.putIntensity(series);
  } finally {
    await store.close();
  }
  return {
    file,
    format: parsed.format,
    zone: series.zone,
    source: series.source,
    signal: series.signal,
    kind: series.kind,
    points: series.points.length,
    lines: parsed.lines,
    gaps: parsed.gaps,
    fromMs: first.t,
    toMs,
    stats: seriesStats(series.points, first.t, toMs),
  };
}

export function renderImport(r: ImportResult): string {
  const stats = r.stats ? `; mean ${fmt(r.stats.meanGPerKwh)}, min ${fmt(r.stats.minGPerKwh)}, max ${fmt(r.stats.maxGPerKwh)} gCO2e/kWh` : '';
  const step = r.stats?.stepS ? `, ${formatDurationS(r.stats.stepS)} steps` : '';
  return [
    `Imported ${r.points.toLocaleString('en-US')} points for ${r.zone} (${utcLabel(r.fromMs)} – ${utcLabel(r.toMs)}${step}, ${r.gaps} gap(s))${stats}.`,
    `Source: ${r.source} · ${r.signal} signal · format ${r.format}.`,
    `See it with: greenml intensity show ${r.zone} --source store --from ${new Date(r.fromMs).toISOString()} --to ${new Date(r.toMs).toISOString()}`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

export const registerIntensity: RegisterCommand = (program: Command) => {
  const cmd = program.command('intensity').description('Grid carbon intensity: show a zone\'s series, import a file');
  cmd
    .command('show <zone>')
    .description('Draw a zone\'s carbon intensity: reported values up to now, a forecast after (UTC axis)')
    .option('--from <time>', 'start: ISO 8601 with a zone, a date, or relative such as -24h', '-24h')
    .option('--to <time>', 'end: ISO 8601 with a zone, a date, or relative such as +24h', '+24h')
    .option('--source <source>', `where from: ${SHOW_SOURCES.join(', ')} (default: stored data if any, else the catalog average)`)
    .option('--file <path>', 'the file for --source file')
    .option('--format <format>', 'file format for --source file: lwa, electricitymaps, csv, json (default: detected)')
    .option('--column <column>', 'Electricity Maps intensity: lca (default) or direct')
    .option('--signal <signal>', 'WattTime signal: marginal (default, co2_moer) or average (co2_aoer)')
    .option('--height <rows>', 'chart height in rows', '12')
    .option('--json', 'print the series and statistics as JSON')
    .option('--db <location>', 'store (SQLite path or postgres:// URL) used for stored data and the cache')
    .action(async (zone: string, flags: ShowFlags) => {
      const result = await runShow(zone, flags);
      if (flags.json) return printJson(result);
      const height = parseNumberIn(flags.height ?? '12', '--height', 3, 60);
      printLine(await renderShow(result, { width: process.stdout.columns ?? 100, height }));
    });
  cmd
    .command('import <file>')
    .description('Check an intensity file line by line and store it (all or nothing); bad lines are listed with their numbers')
    .option('--zone <zone>', 'zone the values describe (required unless the file names it, as Electricity Maps exports do)')
    .option('--format <format>', 'lwa, electricitymaps, csv or json (default: detected from the content)')
    .option('--column <column>', 'Electricity Maps exports: lca (default, life cycle) or direct')
    .option('--signal <signal>', 'csv/json files: average (default) or marginal')
    .option('--json', 'print the import summary as JSON')
    .option('--db <location>', 'store to import into (SQLite path or postgres:// URL)')
    .action(async (file: string, flags: ImportFlags) => {
      const result = await runImport(file, flags);
      if (flags.json) printJson(result);
      else printLine(renderImport(result));
    });
};
