/** `greenml runs list|show|compare|export|rm`: the runs greenml has recorded. */
import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';

export interface RunsListFlags {
  project?: string;
  status?: string;
  since?: string;
  until?: string;
  search?: string;
  sort?: string;
  order?: string;
  limit?: string;
  cursor?: string;
  json?: boolean;
  db?: string;
}

const lazy =
  <A extends unknown[]>(name: 'list' | 'show' | 'compare' | 'exportRuns' | 'rm') =>
  async (...args: A): Promise<void> => {
    const mod = await import('./runs-action.js');
    await (mod[name] as unknown as (...a: A) => Promise<void>)(...args);
  };

export const registerRuns: RegisterCommand = (program: Command) => {
  const runs = program.command('runs').description('List, inspect, compare, export and delete recorded runs');
  const filters = (c: Command): Command =>
    c
      .option('--project <name>', 'only this project')
      .option('--status <status>', 'only runs with this status: running, succeeded, failed, lost, stopped-by-guard')
      .option('--since <when>', 'started at or after: an ISO date/time or a duration ago, e.g. 7d')
      .option('--until <when>', 'started before: an ISO date/time or a duration ago')
      .option('--search <text>', 'words to find in the name, command or tags')
      .option('--db <path>', 'database file or postgres:// URL');
  filters(runs.command('list').description('List runs, newest first'))
    .option('--sort <field>', 'startedAt, energyKwh, totalG, costUsd or durationS (default startedAt)')
    .option('--order <dir>', 'asc or desc (default desc)')
    .option('--limit <n>', 'how many (default 20, at most 1000)')
    .option('--cursor <c>', 'continue after a previous page (printed at the end of a page)')
    .option('--json', 'print JSON')
    .action(lazy('list'));
  runs
    .command('show')
    .description('Show one run: its footprint with every factor, metrics and params')
    .argument('<id>', 'run id or a unique prefix (6+ characters)')
    .option('--samples', 'include the samples (with --json)')
    .option('--json', 'print JSON')
    .option('--db <path>', 'database file or postgres:// URL')
    .action(lazy('show'));
  runs
    .command('compare')
    .description('Compare runs side by side: energy, emissions, cost, final metrics, differing params')
    .argument('<ids...>', 'two or more run ids or prefixes; the first is the baseline')
    .option('--json', 'print JSON')
    .option('--db <path>', 'database file or postgres:// URL')
    .action(lazy('compare'));
  filters(runs.command('export').description('Export runs as CSV, JSON or CodeCarbon emissions.csv'))
    .option('--format <f>', 'csv (default), json or codecarbon')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(lazy('exportRuns'));
  runs
    .command('rm')
    .description('Delete runs with their samples and metrics')
    .argument('<ids...>', 'run ids or unique prefixes')
    .option('--json', 'print JSON')
    .option('--db <path>', 'database file or postgres:// URL')
    .action(lazy('rm'));
};
