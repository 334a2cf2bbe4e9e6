/** `greenml jobs list|show|cancel`: scheduled jobs, their windows, savings and runs. */
import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';

export interface JobsListFlags {
  state?: string;
  project?: string;
  limit?: string;
  cursor?: string;
  json?: boolean;
  db?: string;
}

export interface JobsOneFlags {
  json?: boolean;
  db?: string;
}

const lazy =
  <A extends unknown[]>(name: 'list' | 'show' | 'cancel') =>
  async (...args: A): Promise<void> => {
    const mod = await import('./jobs-action.js');
    process.exitCode = await (mod[name] as unknown as (...a: A) => Promise<number>)(...args);
  };

export const registerJobs: RegisterCommand = (program: Command) => {
  const jobs = program.command('jobs').description('List, inspect and cancel scheduled jobs');
  jobs
    .command('list')
    .description('Scheduled jobs, newest first: state, window, deadline, saving, run')
    .option('--state <states>', 'only these states (comma-separated): pending, running, paused, succeeded, failed, missed, cancelled')
    .option('--project <name>', 'only this project')
    .option('--limit <n>', 'how many (default 20, at most 1000)')
    .option('--cursor <c>', 'continue after a previous page')
    .option('--json', 'print JSON')
    .option('--db <path>', 'database file or postgres:// URL')
    .action(lazy('list'));
  jobs
    .command('show')
    .description('One job: its spec, plan (windows, forecast, expected saving), progress and outcome')
    .argument('<id>', 'job id or a unique prefix (6+ characters)')
    .option('--json', 'print JSON')
    .option('--db <path>', 'database file or postgres:// URL')
    .action(lazy('show'));
  jobs
    .command('cancel')
    .description('Cancel a job; a running one is stopped by its agent (SIGTERM, then SIGKILL) at its next check')
    .argument('<id>', 'job id or a unique prefix (6+ characters)')
    .option('--json', 'print JSON')
    .option('--db <path>', 'database file or postgres:// URL')
    .action(lazy('cancel'));
};
