/**
 * A report as CSV: one row per run, with stable column names (docs/reports.md lists them; new
 * columns are only ever appended). RFC 4180 quoting; text that a spreadsheet would run as a
 * formula (=, +, -, @, tab, carriage return first) is prefixed with ' (OWASP CSV injection advice).
 */
import type { Report, ReportRun } from './report.js';

export const REPORT_CSV_COLUMNS = [
  'run_id',
  'name',
  'project',
  'status',
  'started_at',
  'ended_at',
  'duration_s',
  'cpu_kwh',
  'gpu_kwh',
  'memory_kwh',
  'energy_kwh',
  'operational_g',
  'embodied_g',
  'total_g',
  'cost_usd',
  'intensity_g_per_kwh',
  'functional_unit',
  'functional_units',
  'functional_unit_source',
  'sci_g_per_unit',
  'job_id',
] as const;

function cell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function row(r: ReportRun, unitLabel: string): (string | number | null)[] {
  return [
    r.id,
    r.name,
    r.project,
    r.status,
    iso(r.startedAt),
    iso(r.endedAt),
    r.durationS,
    r.cpuKwh,
    r.gpuKwh,
    r.memoryKwh,
    r.energyKwh,
    r.operationalG,
    r.embodiedG,
    r.totalG,
    r.costUsd,
    r.intensityGPerKwh,
    unitLabel,
    r.functionalUnits,
    r.functionalUnitSource,
    r.sciGPerUnit,
    r.jobId,
  ];
}

export function reportCsv(report: Report): string {
  const lines = [REPORT_CSV_COLUMNS.join(',')];
  for (const r of report.runs) lines.push(row(r, report.unit.label).map(cell).join(','));
  return lines.join('\r\n') + '\r\n';
}
