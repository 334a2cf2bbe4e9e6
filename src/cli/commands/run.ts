/** `greenml run -- <command>`: measure any command, as transparently as `time`. */
import type { Command } from 'commander';
import type { RegisterCommand } from './index.js';

interface RunFlags {
  project?: string;
  name?: string;
  tag: string[];
  region?: string;
  country?: string;
  intensity?: string;
  pue?: string;
  instance?: string;
  pricing?: string;
  pricePerHour?: string;
  electricityPrice?: string;
  interval?: string;
  flushEvery?: string;
  attribution?: string;
  memoryWPerGb?: string;
  db?: string;
  server?: string;
  stderrProgress?: string;
  quiet?: boolean;
  json?: boolean;
  output?: string;
  maxCo2e?: string;
  maxCost?: string;
  maxKwh?: string;
  onExceed?: string;
  warmup?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export const registerRun: RegisterCommand = (program: Command) => {
  program
    .command('run')
    .description("Run a command and record its energy, emissions and cost (exits with the command's code)")
    .argument('<command...>', 'the command to measure, after --')
    .option('--project <name>', 'project to file the run under (default: "default")')
    .option('--name <name>', 'a name for the run')
    .option('--tag <key=value>', 'a tag for the run (repeatable)', collect, [])
    .option('--region <id>', 'cloud region provider:region, e.g. gcp:europe-west4')
    .option('--country <cc>', 'ISO country code for the grid intensity, e.g. FR')
    .option('--intensity <g>', 'grid intensity in gCO2e/kWh')
    .option('--pue <p>', 'power usage effectiveness (default 1.0 on your own machine, the region\'s in a cloud region)')
    .option('--instance <id>', 'cloud instance provider:type, e.g. aws:g5.xlarge (CPU model and price)')
    .option('--pricing <model>', 'on-demand, spot, reserved-1y or reserved-3y (reserved = reserved-1y), with --instance')
    .option('--price-per-hour <usd>', 'price per hour in USD')
    .option('--electricity-price <usd>', 'electricity price in USD/kWh, for cost on your own hardware')
    .option('--interval <d>', 'sampling interval, 0.1s to 60s (default 1s)')
    .option('--flush-every <d>', 'how often samples are written to the store (default 5s)')
    .option('--attribution <mode>', 'with RAPL: busy-share (default; the run\'s share of busy CPU time) or machine (all of it)')
    .option('--memory-w-per-gb <w>', 'memory power coefficient, W per GB (default 0.3725)')
    .option('--db <path>', 'database file or postgres:// URL (default: $XDG_DATA_HOME/greenml/greenml.db)')
    .option('--server <url>', 'record to a greenml server (token in GREENML_TOKEN); kept locally for greenml sync if it is unreachable')
    .option('--max-co2e <mass>', 'guard: warn or stop when emissions are predicted to exceed this, e.g. 2kg')
    .option('--max-cost <usd>', 'guard: warn or stop when the cost is predicted to exceed this')
    .option('--max-kwh <kwh>', 'guard: warn or stop when the energy is predicted to exceed this')
    .option('--on-exceed <action>', 'what a guard does: warn (default) or stop (SIGTERM, then SIGKILL after 10 s)')
    .option('--warmup <fraction>', 'guards ignore predictions before this share of progress (default 0.1)')
    .option('--stderr-progress <when>', "read tqdm-style progress bars from the command's stderr for predictions and guards: auto (default: when greenml's stderr is not a terminal), always, never")
    .option('-q, --quiet', 'print no summary')
    .option('--json', 'print the summary as JSON (on stderr, or into --output)')
    .option('-o, --output <file>', 'write the JSON summary to this file')
    .passThroughOptions()
    .addHelpText(
      'after',
      `
The command's stdin, stdout and stderr pass through untouched; greenml's summary goes to stderr.
greenml exits with the command's exit code (127: not found, 126: not executable, 128+N: killed by
signal N) and with 2, before running anything, when its own options are wrong.

Examples:
  greenml run -- python train.py --epochs 10
  greenml run --region gcp:europe-west4 --instance gcp:a2-highgpu-1g -- python train.py
  greenml run --max-co2e 2kg --on-exceed stop -- ./train.sh`,
    )
    .action(async (command: string[], flags: RunFlags) => {
      const { runAction } = await import('./run-action.js');
      process.exitCode = await runAction(command, flags);
    });
};

export type { RunFlags };
