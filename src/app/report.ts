/**
 * A report over a period: totals, trends against the period before, per-run SCI for a chosen
 * functional unit, emissions per day, what scheduling saved, and where the budgets stand. One
 * plain, JSON-serialisable document; the CLI prints it as text, JSON, CSV or HTML (report-csv.ts,
 * report-html.ts). Method and column meanings: docs/reports.md.
 */
import { GreenmlError, sciFromCarbon, type JobRecord, type RunRecord, type RunStatus } from '../core/index.js';
import type { RunTotals, Store } from '../store/index.js';
import { listBudgetStatus } from './budget-admin.js';
import { previousPeriod, type ReportPeriod } from './report-period.js';

export const UNIT_KINDS = ['run', 'epoch', 'samples', 'inferences'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** SCI's R: what one functional unit is. `per` groups counts (1,000 samples). */
export interface FunctionalUnit {
  kind: UnitKind;
  per: number;
  /** "run", "epoch", "1,000 samples", "1,000 inferences". */
  label: string;
}

/** "run", "epoch", "samples:1000", "inferences:1000" (any positive whole group size). */
export function parseFunctionalUnit(text: string): FunctionalUnit {
  const m = /^\s*(run|epoch|samples|inferences)(?::(\d+))?\s*$/i.exec(text);
  const kind = m?.[1]?.toLowerCase() as UnitKind | undefined;
  const per = m?.[2] === undefined ? (kind === 'samples' || kind === 'inferences' ? 1000 : 1) : Number(m[2]);
  if (!m || !kind || !Number.isSafeInteger(per) || per < 1 || ((kind === 'run' || kind === 'epoch') && per !== 1)) {
    throw new GreenmlError('INVALID_INPUT', `Invalid --unit "${text}": use run, epoch, samples:1000 or inferences:1000 (any group size after the colon).`);
  }
  const label = per === 1 ? (kind === 'samples' ? 'sample' : kind === 'inferences' ? 'inference' : kind) : `${per.toLocaleString('en-US')} ${kind}`;
  return { kind, per, label };
}

export interface ReportRun {
  id: string;
  name: string | null;
  project: string;
  status: RunStatus;
  startedAt: number;
  endedAt: number | null;
  durationS: number;
  cpuKwh: number;
  gpuKwh: number;
  memoryKwh: number;
  energyKwh: number;
  operationalG: number;
  embodiedG: number;
  totalG: number;
  costUsd: number | null;
  intensityGPerKwh: number | null;
  jobId: string | null;
  /** Functional units of this run (count / per); null when the run did not say (never 0). */
  functionalUnits: number | null;
  /** Where the count came from: "metric epoch (max)", "param samples", "one run". */
  functionalUnitSource: string | null;
  /** SCI = (operational + embodied) g / functional units; null without a count. */
  sciGPerUnit: number | null;
}

export interface Trend {
  current: number;
  previous: number;
  change: number;
  /** null when the previous period had nothing to compare with. */
  changePct: number | null;
}

export interface SchedulingRow {
  jobId: string;
  name: string | null;
  runId: string;
  region: string;
  /** The plan's figures (operational emissions for the planned energy): chosen windows, had it started at once, saving. */
  expectedG: number;
  immediateG: number;
  plannedSavingG: number;
  /** The run's measured operational emissions. */
  actualOperationalG: number;
  /** immediateG - actualOperationalG: also absorbs any gap between planned and measured energy. */
  realisedSavingG: number;
  forecastSource: string;
}

export interface ReportBudget {
  id: string;
  name: string;
  project: string | null;
  kind: string;
  period: string;
  limit: number;
  unit: string;
  periodKey: string | null;
  actual: number | null;
  forecast: number | null;
  state: 'ok' | 'alarm' | null;
  lastAlertAt: number | null;
}

export interface Report {
  format: 'greenml.report';
  version: 1;
  generatedAt: number;
  project: string | null;
  period: ReportPeriod;
  previous: ReportPeriod;
  unit: FunctionalUnit;
  totals: RunTotals;
  previousTotals: RunTotals;
  /** IT energy by component (before PUE) and the facility overhead (energy x (PUE - 1)), kWh. */
  energyByComponent: { cpuKwh: number; gpuKwh: number; memoryKwh: number; overheadKwh: number };
  trends: Record<'runs' | 'energyKwh' | 'operationalG' | 'embodiedG' | 'totalG' | 'costUsd', Trend>;
  /** Over the runs with a count: their carbon over their functional units. */
  sci: { unit: string; runsWithCount: number; runsWithoutCount: number; functionalUnits: number; carbonG: number; gPerUnit: number | null };
  runs: ReportRun[];
  /** One entry per UTC day of the period; a run counts on the day it started. */
  daily: { day: string; runs: number; energyKwh: number; operationalG: number; embodiedG: number }[];
  scheduling: { jobs: SchedulingRow[]; plannedSavingG: number; realisedSavingG: number };
  budgets: ReportBudget[];
  notes: string[];
}

/** Longest period with a daily series (greenml, 2026): 3 years of days keeps a chart readable enough. */
const MAX_DAYS = 1100;
const DAY_MS = 86_400_000;

function trend(current: number, previous: number): Trend {
  const change = current - previous;
  return { current, previous, change, changePct: previous > 0 ? (change / previous) * 100 : null };
}

async function allRuns(store: Store, project: string | null, p: ReportPeriod): Promise<RunRecord[]> {
  const out: RunRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listRuns({
      ...(project === null ? {} : { project }),
      since: p.fromMs,
      until: p.toMs,
      sort: 'startedAt',
      order: 'asc',
      limit: 1000,
      cursor,
    });
    out.push(...page.runs);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

async function allJobs(store: Store, project: string | null): Promise<JobRecord[]> {
  const out: JobRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listJobs({ ...(project === null ? {} : { project }), limit: 1000, cursor });
    out.push(...page.jobs);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * How many units a run did. Epochs: the largest value of its `epoch` metric, else its `epochs`
 * param when it succeeded. Samples and inferences: the largest value of the metric of that name
 * (a running count), else the param. Anything else, or a count of 0, is unknown: null, never 0.
 */
export async function functionalUnitsOf(store: Store, run: RunRecord, unit: FunctionalUnit): Promise<{ count: number; source: string } | null> {
  if (unit.kind === 'run') return { count: 1, source: 'one run' };
  const metricKey = unit.kind;
  const points = await store.listMetrics(run.id, { key: metricKey });
  const max = points.reduce<number | null>((m, p) => (Number.isFinite(p.value) && (m === null || p.value > m) ? p.value : m), null);
  if (max !== null && max > 0) return { count: max / unit.per, source: `metric ${metricKey} (max)` };
  const paramKey = unit.kind === 'epoch' ? 'epochs' : unit.kind;
  const param = run.params[paramKey];
  const n = typeof param === 'number' ? param : typeof param === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(param) ? Number(param) : null;
  // A configured epoch count only says what was done when the run finished.
  if (n !== null && n > 0 && (unit.kind !== 'epoch' || run.status === 'succeeded')) return { count: n / unit.per, source: `param ${paramKey}` };
  return null;
}

export interface BuildReportOptions {
  store: Store;
  /** null: every project. */
  project: string | null;
  period: ReportPeriod;
  unit: FunctionalUnit;
  nowMs: number;
}

export async function buildReport(options: BuildReportOptions): Promise<Report> {
  const { store, project, period, unit, nowMs } = options;
  const previous = previousPeriod(period);
  const filter = (p: ReportPeriod) => ({ ...(project === null ? {} : { project }), since: p.fromMs, until: p.toMs });
  const [totals, previousTotals] = [await store.runTotals(filter(period)), await store.runTotals(filter(previous))];
  const records = await allRuns(store, project, period);
  const notes: string[] = [];

  const runs: ReportRun[] = [];
  for (const r of records) {
    const fu = await functionalUnitsOf(store, r, unit);
    runs.push({
      id: r.id,
      name: r.name,
      project: r.project,
      status: r.status,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
      durationS: r.durationS,
      cpuKwh: r.cpuKwh,
      gpuKwh: r.gpuKwh,
      memoryKwh: r.memoryKwh,
      energyKwh: r.energyKwh,
      operationalG: r.operationalG,
      embodiedG: r.embodiedG,
      totalG: r.totalG,
      costUsd: r.costUsd,
      intensityGPerKwh: r.intensityGPerKwh,
      jobId: r.jobId,
      functionalUnits: fu?.count ?? null,
      functionalUnitSource: fu?.source ?? null,
      sciGPerUnit: fu ? sciFromCarbon(r.operationalG + r.embodiedG, fu.count) : null,
    });
  }
  const counted = runs.filter((r) => r.functionalUnits !== null);
  const units = counted.reduce((s, r) => s + (r.functionalUnits ?? 0), 0);
  const carbonG = counted.reduce((s, r) => s + r.operationalG + r.embodiedG, 0);
  if (runs.length > counted.length) {
    notes.push(`${runs.length - counted.length} of ${runs.length} runs did not record how many ${unit.kind === 'epoch' ? 'epochs' : unit.kind} they did: their SCI is n/a and they are left out of the period's SCI.`);
  }
  if (totals.byStatus.running > 0) notes.push(`${totals.byStatus.running} runs were still running: their figures are what was measured so far.`);

  const days = Math.ceil((period.toMs - period.fromMs) / DAY_MS);
  const daily: Report['daily'] = [];
  if (days <= MAX_DAYS) {
    for (let i = 0; i < days; i++) {
      daily.push({ day: new Date(period.fromMs + i * DAY_MS).toISOString().slice(0, 10), runs: 0, energyKwh: 0, operationalG: 0, embodiedG: 0 });
    }
    for (const r of runs) {
      const d = daily[Math.floor((r.startedAt - period.fromMs) / DAY_MS)];
      if (!d) continue;
      d.runs += 1;
      d.energyKwh += r.energyKwh;
      d.operationalG += r.operationalG;
      d.embodiedG += r.embodiedG;
    }
  } else notes.push(`The period spans ${days} days: the daily series is left out (at most ${MAX_DAYS} days).`);

  const runById = new Map(runs.map((r) => [r.id, r]));
  const jobs: SchedulingRow[] = [];
  for (const j of await allJobs(store, project)) {
    const run = j.runId ? runById.get(j.runId) : undefined;
    if (!run || !j.plan) continue;
    jobs.push({
      jobId: j.id,
      name: j.name,
      runId: run.id,
      region: j.plan.region,
      expectedG: j.plan.expectedG,
      immediateG: j.plan.immediateG,
      plannedSavingG: j.plan.savingG,
      actualOperationalG: run.operationalG,
      realisedSavingG: j.plan.immediateG - run.operationalG,
      forecastSource: j.plan.forecastSource,
    });
  }

  const budgets: ReportBudget[] = (await listBudgetStatus({ store, nowMs, ...(project === null ? {} : { project }) })).map((s) => ({
    id: s.budget.id,
    name: s.budget.name,
    project: s.budget.scope.project,
    kind: s.budget.kind,
    period: s.budget.period,
    limit: s.budget.limit.amount,
    unit: s.budget.limit.unit,
    periodKey: s.periodKey,
    actual: s.actual,
    forecast: s.forecast,
    state: s.state,
    lastAlertAt: s.lastAlert?.atMs ?? null,
  }));

  const it = totals.cpuKwh + totals.gpuKwh + totals.memoryKwh;
  return {
    format: 'greenml.report',
    version: 1,
    generatedAt: nowMs,
    project,
    period,
    previous,
    unit,
    totals,
    previousTotals,
    energyByComponent: { cpuKwh: totals.cpuKwh, gpuKwh: totals.gpuKwh, memoryKwh: totals.memoryKwh, overheadKwh: Math.max(0, totals.energyKwh - it) },
    trends: {
      runs: trend(totals.runs, previousTotals.runs),
      energyKwh: trend(totals.energyKwh, previousTotals.energyKwh),
      operationalG: trend(totals.operationalG, previousTotals.operationalG),
      embodiedG: trend(totals.embodiedG, previousTotals.embodiedG),
      totalG: trend(totals.totalG, previousTotals.totalG),
      costUsd: trend(totals.costUsd ?? 0, previousTotals.costUsd ?? 0),
    },
    sci: { unit: unit.label, runsWithCount: counted.length, runsWithoutCount: runs.length - counted.length, functionalUnits: units, carbonG, gPerUnit: units > 0 ? carbonG / units : null },
    runs,
    daily,
    scheduling: {
      jobs,
      plannedSavingG: jobs.reduce((s, j) => s + j.plannedSavingG, 0),
      realisedSavingG: jobs.reduce((s, j) => s + j.realisedSavingG, 0),
    },
    budgets,
    notes,
  };
}
