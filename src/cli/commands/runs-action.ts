/** The work of `greenml runs ...`, loaded only when one of them runs. */
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { stringify } from 'csv-stringify/sync';
import {
  CODECARBON_COLUMNS,
  EXPORT_FORMATS,
  RUN_CSV_COLUMNS,
  allRuns,
  codecarbonRow,
  compareRuns,
  finalMetrics,
  reconcileLostRuns,
  requireRun,
  runCsvRow,
  type ExportFormat,
} from '../../app/index.js';
import {
  GreenmlError,
  RUN_STATUSES,
  didYouMean,
  formatDurationS,
  formatEnergyKwh,
  formatMassG,
  formatUsd,
  parseDurationS,
  parseNumberIn,
  type RunRecord,
  type RunStatus,
} from '../../core/index.js';
import type { RunFilter, RunSort, Store } from '../../store/index.js';
import { openCliStore } from '../db.js';
import { colors, printJson, printLine } from '../output.js';
import { renderFootprint } from '../render-footprint.js';
import { renderTable } from '../table.js';
import type { RunsListFlags } from './runs.js';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function withStore<T>(db: string | undefined, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openCliStore({ db });
  try {
    await reconcileLostRuns(store, { host: hostname(), isAlive, nowMs: Date.now() });
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** "2026-10-01", "2026-10-01T12:00Z" or "7d" (ago) -> epoch ms. */
function parseWhen(text: string, flag: string): number {
  if (/^\d+(\.\d+)?\s*(ms|s|min|m|h|d|w)$/i.test(text.trim())) return Date.now() - parseDurationS(text, flag) * 1000;
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new GreenmlError('INVALID_INPUT', `Invalid ${flag} "${text}": give an ISO date or time (2026-10-01, 2026-10-01T12:00Z) or a duration ago (7d, 12h).`);
  return t;
}

function filterOf(flags: RunsListFlags): RunFilter {
  let status: RunStatus | undefined;
  if (flags.status !== undefined) {
    if (!(RUN_STATUSES as readonly string[]).includes(flags.status)) {
      throw new GreenmlError('INVALID_INPUT', `Invalid --status "${flags.status}": use ${RUN_STATUSES.join(', ')}.${didYouMean(flags.status, RUN_STATUSES)}`);
    }
    status = flags.status as RunStatus;
  }
  return {
    ...(flags.project !== undefined ? { project: flags.project } : {}),
    ...(status ? { status } : {}),
    ...(flags.since !== undefined ? { since: parseWhen(flags.since, '--since') } : {}),
    ...(flags.until !== undefined ? { until: parseWhen(flags.until, '--until') } : {}),
    ...(flags.search !== undefined ? { search: flags.search } : {}),
  };
}

const SORTS: readonly RunSort[] = ['startedAt', 'energyKwh', 'totalG', 'costUsd', 'durationS'];

const statusColor = (s: RunStatus): string => {
  const c = colors();
  return s === 'succeeded' ? c.green(s) : s === 'running' ? c.cyan(s) : s === 'lost' ? c.yellow(s) : c.red(s);
};

const when = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const what = (r: RunRecord): string => {
  const cmd = r.command.join(' ');
  const text = r.name ? `${r.name} (${cmd})` : cmd;
  return text.length > 48 ? text.slice(0, 47) + '…' : text;
};

export async function list(flags: RunsListFlags): Promise<void> {
  const filter = filterOf(flags);
  if (flags.sort !== undefined && !SORTS.includes(flags.sort as RunSort)) throw new GreenmlError('INVALID_INPUT', `Invalid --sort "${flags.sort}": use ${SORTS.join(', ')}.`);
  if (flags.order !== undefined && !['asc', 'desc'].includes(flags.order)) throw new GreenmlError('INVALID_INPUT', `Invalid --order "${flags.order}": use asc or desc.`);
  const limit = flags.limit !== undefined ? parseNumberIn(flags.limit, '--limit', 1, 1000) : 20;
  await withStore(flags.db, async (store) => {
    const page = await store.listRuns({
      ...filter,
      ...(flags.sort ? { sort: flags.sort as RunSort } : {}),
      ...(flags.order ? { order: flags.order as 'asc' | 'desc' } : {}),
      limit: Math.floor(limit),
      cursor: flags.cursor ?? null,
    });
    if (flags.json) return printJson(page);
    if (page.runs.length === 0) return printLine('No runs yet. Measure one with: greenml run -- <command>');
    printLine(
      renderTable(page.runs, [
        { header: 'ID', value: (r) => r.id },
        { header: 'STARTED (UTC)', value: (r) => when(r.startedAt) },
        { header: 'STATUS', value: (r) => statusColor(r.status) },
        { header: 'PROJECT', value: (r) => r.project },
        { header: 'RUN', value: what },
        { header: 'DURATION', value: (r) => formatDurationS(r.durationS), align: 'right' },
        { header: 'ENERGY', value: (r) => formatEnergyKwh(r.energyKwh), align: 'right' },
        { header: 'CO2e', value: (r) => formatMassG(r.totalG), align: 'right' },
        { header: 'COST', value: (r) => (r.costUsd === null ? '—' : formatUsd(r.costUsd)), align: 'right' },
      ]),
    );
    if (page.nextCursor) printLine(colors().dim(`more: greenml runs list --cursor ${page.nextCursor}${flags.limit ? ` --limit ${flags.limit}` : ''}`));
  });
}

export async function show(id: string, flags: { json?: boolean; samples?: boolean; db?: string }): Promise<void> {
  await withStore(flags.db, async (store) => {
    const run = await requireRun(store, id);
    const metrics = await store.listMetrics(run.id);
    const samples = await store.listSamples(run.id, flags.samples ? {} : { maxPoints: 2 });
    if (flags.json) return printJson({ run, finalMetrics: finalMetrics(metrics), metrics, ...(flags.samples ? { samples } : {}) });
    const c = colors();
    printLine(`${c.bold('Run')} ${run.id}  ${statusColor(run.status)}${run.exitCode !== null ? ` (exit ${run.exitCode})` : ''}${run.statusReason ? `: ${run.statusReason}` : ''}`);
    printLine(`${c.bold('Command')}    ${run.command.join(' ')}`);
    printLine(`${c.bold('Project')}    ${run.project}${run.name ? `  name ${run.name}` : ''}`);
    printLine(`${c.bold('Started')}    ${new Date(run.startedAt).toISOString()} on ${run.host}, ${formatDurationS(run.durationS)}`);
    printLine(`${c.bold('Location')}   ${run.location?.label ?? '—'}${run.instance ? `  instance ${run.instance}` : ''}`);
    printLine('');
    if (run.footprint) printLine(renderFootprint(run.footprint, { verbose: true }));
    else printLine(`Measured so far: ${formatEnergyKwh(run.energyKwh)}, ${formatMassG(run.totalG)} CO2e (no final footprint: the run ${run.status === 'running' ? 'is still running' : 'did not finish'}).`);
    const fm = finalMetrics(metrics);
    if (Object.keys(fm).length) printLine(`\n${c.bold('Metrics')}    ${Object.entries(fm).map(([k, v]) => `${k}=${Number(v.toPrecision(4))}`).join('  ')}`);
    if (Object.keys(run.params).length) printLine(`${c.bold('Params')}     ${Object.entries(run.params).map(([k, v]) => `${k}=${v}`).join('  ')}`);
    const tags = Object.entries(run.tags).filter(([k]) => !k.startsWith('greenml.'));
    if (tags.length) printLine(`${c.bold('Tags')}       ${tags.map(([k, v]) => `${k}=${v}`).join('  ')}`);
  });
}

export async function compare(ids: string[], flags: { json?: boolean; db?: string }): Promise<void> {
  await withStore(flags.db, async (store) => {
    const cmp = await compareRuns(store, ids);
    if (flags.json) return printJson(cmp);
    type Row = { label: string; cells: string[] };
    const ratio = (x: number | null): string => (x === null ? '' : x === 1 ? '' : ` (${x < 1 ? `-${Math.round((1 - x) * 100)}%` : `x${x.toFixed(2)}`})`);
    const rows: Row[] = [
      { label: 'status', cells: cmp.runs.map((r) => r.run.status) },
      { label: 'duration', cells: cmp.runs.map((r) => formatDurationS(r.run.durationS)) },
      { label: 'energy', cells: cmp.runs.map((r, i) => formatEnergyKwh(r.run.energyKwh) + ratio(cmp.relative[i]?.energyRatio ?? null)) },
      { label: 'CO2e', cells: cmp.runs.map((r, i) => formatMassG(r.run.totalG) + ratio(cmp.relative[i]?.totalRatio ?? null)) },
      { label: 'cost', cells: cmp.runs.map((r, i) => (r.run.costUsd === null ? '—' : formatUsd(r.run.costUsd) + ratio(cmp.relative[i]?.costRatio ?? null))) },
      ...cmp.metricKeys.map((k) => ({ label: k, cells: cmp.runs.map((r) => (r.metrics[k] === undefined ? '—' : String(Number((r.metrics[k] as number).toPrecision(4))))) })),
      ...cmp.differingParams.map((k) => ({ label: `param ${k}`, cells: cmp.runs.map((r) => String(r.run.params[k] ?? '—')) })),
    ];
    printLine(
      renderTable(rows, [
        { header: '', value: (r) => r.label },
        ...cmp.runs.map((r, i) => ({ header: r.run.id + (i === 0 ? ' (base)' : ''), value: (row: Row) => row.cells[i] ?? '', align: 'right' as const })),
      ]),
    );
  });
}

export async function exportRuns(flags: RunsListFlags & { format?: string; output?: string }): Promise<void> {
  const format = (flags.format ?? 'csv') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new GreenmlError('INVALID_INPUT', `Invalid --format "${flags.format}": use ${EXPORT_FORMATS.join(', ')}.`);
  const filter = filterOf(flags);
  await withStore(flags.db, async (store) => {
    const runs = await allRuns(store, filter);
    const text =
      format === 'json'
        ? JSON.stringify(runs, null, 2) + '\n'
        : format === 'csv'
          ? stringify([[...RUN_CSV_COLUMNS], ...runs.map(runCsvRow)])
          : stringify([[...CODECARBON_COLUMNS], ...runs.map(codecarbonRow)]);
    if (flags.output) {
      writeFileSync(flags.output, text);
      process.stderr.write(`exported ${runs.length} run(s) to ${flags.output}\n`);
    } else process.stdout.write(text);
  });
}

export async function rm(ids: string[], flags: { json?: boolean; db?: string }): Promise<void> {
  await withStore(flags.db, async (store) => {
    const runs = [];
    for (const id of ids) runs.push(await requireRun(store, id));
    for (const r of runs) await store.deleteRun(r.id);
    if (flags.json) return printJson({ deleted: runs.map((r) => r.id) });
    printLine(`deleted ${runs.length} run(s): ${runs.map((r) => r.id).join(', ')}`);
  });
}
