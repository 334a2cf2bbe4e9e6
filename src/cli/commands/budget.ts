/**
 * `greenml budget set|list|show|rm|check`: energy, carbon and cost budgets per project or global,
 * with notifications to webhooks (docs/budgets.md). Flags are read here; the work is in
 * budget-action.ts, loaded only when a budget command runs.
 */
import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';

export interface BudgetSetFlags {
  amount?: string;
  kind?: string;
  period?: string;
  project?: string;
  global?: boolean;
  notify?: string[];
  webhook?: string[];
  slack?: boolean;
  clearWebhooks?: boolean;
  json?: boolean;
  db?: string;
}

export interface BudgetListFlags {
  project?: string;
  json?: boolean;
  db?: string;
}

export interface BudgetCheckFlags {
  budget?: string[];
  run?: string[];
  json?: boolean;
  db?: string;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

const lazy =
  <A extends unknown[]>(name: 'budgetSet' | 'budgetList' | 'budgetShow' | 'budgetRm' | 'budgetCheck') =>
  async (...args: A): Promise<void> => {
    const mod = await import('./budget-action.js');
    await (mod[name] as unknown as (...a: A) => Promise<void>)(...args);
  };

export const registerBudget: RegisterCommand = (program: Command) => {
  const budget = program.command('budget').description('Energy, carbon and cost budgets with alerts to webhooks (modelled on AWS Budgets)');
  budget
    .command('set')
    .description('Create a budget, or change the one with this name (flags not given keep their values)')
    .argument('<name>', 'budget name, e.g. vision-carbon')
    .option('--amount <amount>', 'the limit per period: 2kg (CO2e), 10kWh, 30 or $30 (USD)')
    .option('--kind <kind>', 'co2e, energy or cost (default: from the unit of --amount)')
    .option('--period <period>', 'day, week, month, quarter, year (UTC) or run (default month)')
    .option('--project <name>', 'only runs of this project (default: every project)')
    .option('--global', 'every project (changes a project budget into a global one)')
    .option('--notify <type:threshold>', 'actual:80%, forecasted:100% or actual:1.5kg; repeat for more (default actual:100%)', collect)
    .option('--webhook <url>', 'http(s) URL to post alerts to; repeat for more (replaces the list)', collect)
    .option('--slack', 'post Slack messages to the --webhook URLs (default: Slack for hooks.slack.com, else JSON)')
    .option('--clear-webhooks', 'remove every webhook')
    .option('--json', 'print the budget as JSON')
    .option('--db <path>', 'database file or postgres:// URL')
    .addHelpText(
      'after',
      '\nExamples:\n  greenml budget set vision-carbon --amount 2kg --period month --project vision --notify actual:80% --notify forecasted:100% --webhook https://hooks.slack.com/services/T/B/X\n  greenml budget set team-cost --amount 300 --kind cost --period quarter',
    )
    .action(lazy('budgetSet'));
  budget
    .command('list')
    .description('Budgets with the actual and forecast amounts of their current period, state and last alert')
    .option('--project <name>', "only this project's budgets and the global ones")
    .option('--json', 'print JSON')
    .option('--db <path>', 'database file or postgres:// URL')
    .action(lazy('budgetList'));
  budget
    .command('show')
    .description('One budget: its spec, state, evaluated periods, and alerts with their deliveries')
    .argument('<name>', 'budget name or id')
    .option('--json', 'print JSON')
    .option('--db <path>', 'database file or postgres:// URL')
    .action(lazy('budgetShow'));
  budget
    .command('rm')
    .description('Remove a budget with its state and alert history')
    .argument('<name>', 'budget name or id')
    .option('--json', 'print JSON')
    .option('--db <path>', 'database file or postgres:// URL')
    .action(lazy('budgetRm'));
  budget
    .command('check')
    .description('Evaluate budgets now and send the alerts that fire (also done at the end of every greenml run)')
    .option('--budget <name>', 'only this budget; repeat for more', collect)
    .option('--run <id>', 'evaluate per-run budgets on this run; repeat for more', collect)
    .option('--json', 'print JSON')
    .option('--db <path>', 'database file or postgres:// URL')
    .action(lazy('budgetCheck'));
};
