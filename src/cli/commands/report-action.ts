/** The work behind `greenml report` (flags in report.ts): read the flags, build the report, render it. */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GreenmlError, formatEnergyKwh, formatMassG, formatUsd } from '../../core/index.js';
import type { Report, ReportPeriod, Trend } from '../../app/index.js';
import type { Store } from '../../store/index.js';
import { colors, printJson, printLine } from '../output.js';
import { renderTable } from '../table.js';
import type { ReportFlags } from './report.js';

export interface ReportDeps {
  nowMs: number;
  openStore: (opts: { db?: string }) => Promise<Store>;
  /** Where --html writes; default the file system. */
  writeFile?: (path: string, text: string) => Promise<void>;
}

export async function defaultReportDeps(): Promise<ReportDeps> {
  const { openCliStore } = await import('../db.js');
  return { nowMs: Date.now(), openStore: openCliStore };
}

async function periodOf(flags: ReportFlags, nowMs: number): Promise<ReportPeriod> {
  const app = await import('../../app/index.js');
  if (flags.period !== undefined && (flags.from !== undefined || flags.to !== undefined)) {
    throw new GreenmlError('INVALID_INPUT', 'Give --period, or --from and --to, not both.');
  }
  if ((flags.from === undefined) !== (flags.to === undefined)) throw new GreenmlError('INVALID_INPUT', 'A custom range needs both --from and --to, e.g. --from 2026-10-01 --to 2026-10-15.');
  if (flags.from !== undefined && flags.to !== undefined) return app.reportRange(flags.from, flags.to);
  return flags.period === undefined ? app.currentMonth(nowMs) : app.parseReportPeriod(flags.period);
}

const pct = (t: Trend): string => {
  if (t.changePct === null) return t.current === 0 ? '—' : 'new';
  const sign = t.change > 0 ? '+' : t.change < 0 ? '-' : '±';
  return `${sign}${Math.abs(t.changePct).toFixed(1)} %`;
};
const delta = (t: Trend, fmt: (x: number) => string): string => `${t.change < 0 ? '-' : '+'}${fmt(Math.abs(t.change))}`;
const iso = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + 'Z';
const share = (x: number, total: number): string => (total > 0 ? ` (${((x / total) * 100).toFixed(0)} %)` : '');

export function renderReportText(r: Report): string {
  const c = colors();
  const lines: string[] = [];
  const t = r.totals;
  lines.push(c.bold(`Report: ${r.project === null ? 'all projects' : `project ${r.project}`}, ${r.period.label}`));
  lines.push(c.dim(`${iso(r.period.fromMs)} to ${iso(r.period.toMs)}, compared with ${r.previous.label}`));
  lines.push('');
  type Row = { k: string; t: Trend; fmt: (x: number) => string; na?: boolean };
  const rows: Row[] = [
    { k: 'Runs', t: r.trends.runs, fmt: String },
    { k: 'Energy', t: r.trends.energyKwh, fmt: formatEnergyKwh },
    { k: 'Operational CO2e', t: r.trends.operationalG, fmt: formatMassG },
    { k: 'Embodied CO2e', t: r.trends.embodiedG, fmt: formatMassG },
    { k: 'Total CO2e', t: r.trends.totalG, fmt: formatMassG },
    { k: 'Cost', t: r.trends.costUsd, fmt: formatUsd, na: t.costUsd === null && r.previousTotals.costUsd === null },
  ];
  lines.push(
    renderTable(rows, [
      { header: '', value: (x) => x.k },
      { header: 'THIS PERIOD', value: (x) => (x.na ? 'n/a' : x.fmt(x.t.current)), align: 'right' },
      { header: 'PREVIOUS', value: (x) => (x.na ? 'n/a' : x.fmt(x.t.previous)), align: 'right' },
      { header: 'CHANGE', value: (x) => (x.na ? '' : delta(x.t, x.fmt)), align: 'right' },
      { header: '%', value: (x) => (x.na ? '' : pct(x.t)), align: 'right' },
    ]),
  );
  const statuses = Object.entries(t.byStatus).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`);
  lines.push('', `Runs by status: ${statuses.join(', ') || 'none'}`);
  const e = r.energyByComponent;
  lines.push(
    `Energy by component: GPU ${formatEnergyKwh(e.gpuKwh)}${share(e.gpuKwh, t.energyKwh)}, CPU ${formatEnergyKwh(e.cpuKwh)}${share(e.cpuKwh, t.energyKwh)}, ` +
      `memory ${formatEnergyKwh(e.memoryKwh)}${share(e.memoryKwh, t.energyKwh)}, facility overhead (PUE) ${formatEnergyKwh(e.overheadKwh)}${share(e.overheadKwh, t.energyKwh)}`,
  );
  lines.push(
    `SCI per ${r.unit.label}: ${r.sci.gPerUnit === null ? 'n/a' : `${formatMassG(r.sci.gPerUnit)} CO2e`} ` +
      `(${r.sci.runsWithCount} of ${r.runs.length} runs counted, ${Number(r.sci.functionalUnits.toPrecision(6))} ${r.unit.label === 'run' ? 'runs' : `x ${r.unit.label}`})`,
  );
  if (r.runs.length > 0) {
    const top = [...r.runs].sort((a, b) => b.totalG - a.totalG).slice(0, 10);
    lines.push('', c.bold(`Top runs by CO2e${r.runs.length > 10 ? ` (10 of ${r.runs.length}; --csv lists every run)` : ''}`));
    lines.push(
      renderTable(top, [
        { header: 'RUN', value: (x) => x.id.slice(0, 12) },
        { header: 'NAME', value: (x) => x.name ?? '' },
        { header: 'STATUS', value: (x) => x.status },
        { header: 'STARTED', value: (x) => iso(x.startedAt) },
        { header: 'ENERGY', value: (x) => formatEnergyKwh(x.energyKwh), align: 'right' },
        { header: 'CO2e', value: (x) => formatMassG(x.totalG), align: 'right' },
        { header: 'COST', value: (x) => (x.costUsd === null ? 'n/a' : formatUsd(x.costUsd)), align: 'right' },
        { header: r.unit.label === 'run' ? 'UNITS' : r.unit.label.toUpperCase(), value: (x) => (x.functionalUnits === null ? 'n/a' : String(Number(x.functionalUnits.toPrecision(6)))), align: 'right' },
        { header: 'SCI', value: (x) => (x.sciGPerUnit === null ? 'n/a' : formatMassG(x.sciGPerUnit)), align: 'right' },
      ]),
    );
  }
  const s = r.scheduling;
  lines.push('', c.bold('What scheduling saved'));
  if (s.jobs.length === 0) lines.push('No scheduled job ran in this period.');
  else {
    lines.push(
      `${s.jobs.length} scheduled job(s): planned saving ${formatMassG(s.plannedSavingG)} CO2e (same energy, chosen windows against starting at once); ` +
        `measured against the counterfactual ${formatMassG(s.realisedSavingG)} CO2e.`,
    );
  }
  lines.push('', c.bold('Budgets (now)'));
  if (r.budgets.length === 0) lines.push('No budgets cover this scope.');
  else {
    lines.push(
      renderTable(r.budgets, [
        { header: 'BUDGET', value: (b) => b.name },
        { header: 'SCOPE', value: (b) => b.project ?? 'all projects' },
        { header: 'KIND', value: (b) => `${b.kind}/${b.period}` },
        { header: 'LIMIT', value: (b) => `${Number(b.limit.toPrecision(6))} ${b.unit}`, align: 'right' },
        { header: 'ACTUAL', value: (b) => (b.actual === null ? '—' : `${Number(b.actual.toPrecision(4))} ${b.unit}`), align: 'right' },
        { header: 'STATE', value: (b) => (b.state === 'alarm' ? c.red('ALARM') : (b.state ?? 'not checked')) },
      ]),
    );
  }
  if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => c.dim(`note: ${n}`)));
  return lines.join('\n');
}

export async function report(flags: ReportFlags, deps: ReportDeps): Promise<void> {
  const formats = [flags.json, flags.csv, flags.html !== undefined].filter(Boolean).length;
  if (formats > 1) throw new GreenmlError('INVALID_INPUT', 'Choose one output: --json, --csv or --html <file>.');
  const app = await import('../../app/index.js');
  const period = await periodOf(flags, deps.nowMs);
  const unit = app.parseFunctionalUnit(flags.unit ?? 'run');
  if (flags.project !== undefined && flags.project.trim() === '') throw new GreenmlError('INVALID_INPUT', '--project needs a name.');
  const store = await deps.openStore(flags.db === undefined ? {} : { db: flags.db });
  let built: Report;
  try {
    built = await app.buildReport({ store, project: flags.project?.trim() ?? null, period, unit, nowMs: deps.nowMs });
  } finally {
    await store.close();
  }
  if (flags.json) return printJson(built);
  if (flags.csv) {
    process.stdout.write(app.reportCsv(built));
    return;
  }
  if (flags.html !== undefined) {
    const html = await app.renderReportHtml(built);
    if (flags.html === '-') {
      process.stdout.write(html);
      return;
    }
    const path = resolve(flags.html);
    try {
      await (deps.writeFile ?? ((p, text) => writeFile(p, text, 'utf8')))(path, html);
    } catch (e) {
      const reason = (e as { code?: string }).code ?? (e instanceof Error ? e.message : String(e));
      throw new GreenmlError('INVALID_INPUT', `Cannot write the report to ${path} (${reason}). Choose a path in a folder you can write to, or --html - for stdout.`, { cause: e });
    }
    process.stderr.write(`Wrote ${path} (${built.runs.length} runs, ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB).\n`);
    return;
  }
  printLine(renderReportText(built));
}
