/** `greenml agent`: run scheduled jobs when they are due, as `greenml run` would, pausing and resuming them at their planned windows. */
import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';

export interface AgentFlags {
  once?: boolean;
  poll?: string;
  labels?: string;
  lease?: string;
  id?: string;
  db?: string;
  queue?: string;
  onLost?: string;
}

export const registerAgent: RegisterCommand = (program: Command) => {
  program
    .command('agent')
    .description('Run scheduled jobs when they are due (as greenml run does), pausing and resuming them at their planned windows')
    .option('--once', 'run the jobs due now, then exit (exit 1 if one failed or was missed); for cron')
    .option('--poll <d>', 'how often to look for due jobs', '10s')
    .option('--labels <k=v,...>', 'labels this agent carries: it takes jobs whose labels it all carries (none: unlabelled jobs only)')
    .option('--lease <d>', 'how long a job stays held without renewal; renewed (and cancellation checked) every quarter of it, at most 5 s', '60s')
    .option('--id <id>', 'agent id shown on the jobs it takes (default host:pid)')
    .option('--db <path>', 'database file or postgres:// URL')
    .option('--queue <kind>', 'how jobs reach agents: pgboss (PostgreSQL only), store (the database\'s job table) or auto (pgboss on PostgreSQL, else store)', 'auto')
    .option('--on-lost <policy>', 'a job whose agent died (its lease ran out): fail, or retry it on another agent; the job\'s own setting first (default $GREENML_ON_LOST, else fail)')
    .addHelpText(
      'after',
      `
One job at a time; start several agents for more. The job's output passes through; the agent's own
lines go to stderr. SIGTERM or Ctrl-C drains: no new job is taken and the running one finishes
following its plan (one with a resume command is stopped at a checkpoint and handed back); a second
signal stops the running job now (SIGTERM to its process group, SIGKILL after 10 s) and marks it failed.
A job whose window passed while no agent ran starts at once if it can still meet its deadline;
otherwise it is marked missed. Agents on many machines share one PostgreSQL database (--db postgres://...):
each takes the jobs whose labels it carries, e.g. --labels region=gcp:europe-west4,gpu=a100, and exactly
one agent runs each job. With --on-lost retry, a job whose agent dies is run again elsewhere once its
lease runs out; the job is stopped if its agent cannot renew the lease, or dies, so it never runs twice
at once (see docs/operations.md).`,
    )
    .action(async (flags: AgentFlags) => {
      const { agentAction } = await import('./agent-action.js');
      process.exitCode = await agentAction(flags);
    });
};
