/** `greenml schedule -- <command>`: plan a job into its lowest-carbon window before a deadline, store it, and (with --wait) run it. */
import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';

export interface ScheduleFlags {
  duration?: string;
  fromRun?: string;
  energy?: string;
  instance?: string;
  gpu?: string;
  gpus?: string;
  deadline?: string;
  notBefore?: string;
  tz?: string;
  region?: string;
  regions?: string;
  interruptible?: boolean;
  minChunk?: string;
  maxPauses?: string;
  resumeCommand?: string;
  onLost?: string;
  minSaving?: string;
  source?: string;
  file: string[];
  format?: string;
  column?: string;
  signal?: string;
  project?: string;
  name?: string;
  env: string[];
  labels?: string;
  wait?: boolean;
  height?: string;
  json?: boolean;
  db?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export const registerSchedule: RegisterCommand = (program: Command) => {
  program
    .command('schedule')
    .description('Plan a command into its lowest-carbon window before a deadline and queue it for an agent (or --wait and run it)')
    .argument('[command...]', 'the command to run, after -- (default with --from-run: that run\'s command)')
    .option('--duration <d>', 'expected run time, e.g. 2h or 90m')
    .option('--from-run <id>', 'an earlier run of the same work: its duration, energy, command and location')
    .option('--energy <e>', 'the job\'s energy, e.g. 1.2kWh (for grams rather than g per kWh)')
    .option('--instance <id>', 'model the energy for this cloud instance, e.g. aws:g5.xlarge')
    .option('--gpu <id>', 'model the energy for this accelerator, e.g. a100-80gb')
    .option('--gpus <n>', 'number of accelerators with --gpu (default 1)')
    .option('--deadline <time>', 'finish by: +8h, an ISO time with Z or an offset, or a local time such as "2026-11-23 07:00" or 07:00')
    .option('--not-before <time>', 'do not start before this time (same forms as --deadline; default now)')
    .option('--tz <zone>', 'time zone for local times, e.g. Europe/Paris (default: TZ or the system\'s)')
    .option('--region <id>', 'where the job runs: a cloud region (gcp:europe-west4) or a country code (FR)')
    .option('--regions <a,b>', 'regions to choose among, the preferred first (adds a region=<id> label for agents there)')
    .option('--interruptible', 'the job may be paused and resumed between windows')
    .option('--min-chunk <d>', 'with --interruptible: shortest piece of work worth resuming for (default 30m)')
    .option('--max-pauses <n>', 'with --interruptible: most pauses (default 3)')
    .option('--resume-command <cmd>', 'with --interruptible: stop the job at each pause (SIGTERM) and run this (through sh -c) in the next window, e.g. "python train.py --resume"')
    .option('--on-lost <policy>', 'if the agent running it is lost mid-run: fail (default) or retry on another agent; retry suits jobs safe to run again')
    .option('--min-saving <pct>', 'shift only for at least this predicted saving (default 5%; 0 shifts for any gain)')
    .option('--source <source>', 'intensity: static, file, electricitymaps, watttime, gb, store (default: a configured provider, else the store)')
    .option('--file <path>', 'with --source file: an intensity file, or ZONE=path per zone (repeatable)', collect, [])
    .option('--format <format>', 'file format: lwa, electricitymaps, csv, json (default: detected)')
    .option('--column <column>', 'Electricity Maps intensity: lca (default) or direct')
    .option('--signal <signal>', 'WattTime signal: marginal (default) or average; csv/json files: average (default) or marginal')
    .option('--project <name>', 'project to file the job and its run under (default: "default")')
    .option('--name <name>', 'a name for the job and its run')
    .option('--env <KEY=VALUE>', 'an environment variable for the job (repeatable)', collect, [])
    .option('--labels <k=v,...>', 'labels an agent must carry to take the job')
    .option('--wait', 'wait in the foreground (countdown on stderr) and run the job here, for cron and CI; exits with its exit code')
    .option('--height <rows>', 'chart height in rows', '10')
    .option('--json', 'print the job, its plan and how the times were read as JSON')
    .option('--db <path>', 'database file or postgres:// URL')
    .passThroughOptions()
    .addHelpText(
      'after',
      `
All times are UTC inside greenml; a local time is read in --tz (or TZ) and the UTC result is printed.
Without a forecast from a provider, greenml plans on a baseline forecast (the mean of the same hour
over the last 7 days of stored history), or, with only an annual average, starts at once.

Examples:
  greenml schedule --duration 2h --deadline +8h --region DE -- python train.py
  greenml schedule --from-run 3f2a9c --deadline "2026-11-23 07:00" --tz Europe/Paris
  greenml schedule --duration 6h --deadline +2d --regions gcp:europe-west4,gcp:europe-north1 -- ./train.sh
  greenml schedule --duration 4h --deadline +1d --region GB --interruptible --min-chunk 1h \\
      --resume-command "python train.py --resume" -- python train.py
  greenml schedule --duration 30m --deadline 07:00 --region FR --wait -- ./nightly.sh`,
    )
    .action(async (command: string[], flags: ScheduleFlags) => {
      const { scheduleAction } = await import('./schedule-action.js');
      process.exitCode = await scheduleAction(command, flags);
    });
};
