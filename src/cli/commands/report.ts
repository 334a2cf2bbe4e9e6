/**
 * `greenml report`: a period's totals, trends, per-run SCI, scheduling savings and budget states,
 * as text, JSON, CSV or one self-contained HTML file (docs/reports.md). The work is in
 * report-action.ts, loaded only when the command runs.
 */
import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';

export interface ReportFlags {
  project?: string;
  period?: string;
  from?: string;
  to?: string;
  unit?: string;
  json?: boolean;
  csv?: boolean;
  html?: string;
  db?: string;
}

export const registerReport: RegisterCommand = (program: Command) => {
  program
    .command('report')
    .description('Report a period: totals, trends, SCI per functional unit, scheduling savings, budgets')
    .option('--project <name>', 'only this project (default: every project)')
    .option('--period <period>', '2026-10 (month), 2026-Q4, 2026, 2026-W44 (ISO week) or 2026-10-05 (day), UTC; default the current month')
    .option('--from <date>', 'start of a custom range: 2026-10-01 or an ISO time with a zone')
    .option('--to <date>', 'end of a custom range; a date includes that whole day')
    .option('--unit <unit>', 'functional unit for SCI: run (default), epoch, samples:1000 or inferences:1000')
    .option('--json', 'print the report as JSON')
    .option('--csv', 'print one CSV row per run')
    .option('--html <file>', 'write a self-contained HTML report with charts to this file (- for stdout)')
    .option('--db <path>', 'database file or postgres:// URL')
    .addHelpText('after', '\nExamples:\n  greenml report --project vision --period 2026-10\n  greenml report --period 2026-Q4 --unit epoch --html q4.html\n  greenml report --from 2026-10-01 --to 2026-10-15 --csv > runs.csv')
    .action(async (flags: ReportFlags) => {
      const { report, defaultReportDeps } = await import('./report-action.js');
      await report(flags, await defaultReportDeps());
    });
};
