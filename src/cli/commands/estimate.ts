/** `greenml estimate`: a quick footprint without running anything. */
import type { Command } from 'commander';
import { GreenmlError, PRICINGS, parseDurationS, parseNumberIn, parsePricing } from '../../core/index.js';
import type { RegisterCommand } from './index.js';

interface EstimateFlags {
  gpu?: string;
  count?: string;
  util?: string;
  hours?: string;
  duration?: string;
  instance?: string;
  pricing?: string;
  cpu?: string;
  vcpus?: string;
  cpuUtil?: string;
  memoryGb?: string;
  region?: string;
  country?: string;
  intensity?: string;
  pue?: string;
  pricePerHour?: string;
  electricityPrice?: string;
  embodied: boolean;
  json?: boolean;
}

/** "0.6", "60%" -> 0.6. */
export function parseUtilization(text: string, flag: string): number {
  const t = text.trim();
  if (t.endsWith('%')) return parseNumberIn(t.slice(0, -1), flag, 0, 100) / 100;
  const v = parseNumberIn(t, flag, 0, 100);
  if (v > 1) throw new GreenmlError('INVALID_INPUT', `Invalid ${flag} "${text}": give a fraction between 0 and 1 (0.6) or a percentage (60%).`);
  return v;
}

const positiveInt = (text: string, flag: string): number => {
  const n = parseNumberIn(text, flag, 1, 1_000_000);
  if (!Number.isInteger(n)) throw new GreenmlError('INVALID_INPUT', `Invalid ${flag} "${text}": expected a whole number.`);
  return n;
};

export const registerEstimate: RegisterCommand = (program: Command) => {
  program
    .command('estimate')
    .description('Estimate the energy, emissions and cost of work without running it')
    .option('--gpu <id>', 'accelerator id or alias, e.g. a100-80gb, h100, tpu-v5p (greenml catalog hardware)')
    .option('--count <n>', 'number of accelerators (default 1, or the instance\'s)')
    .option('--util <u>', 'accelerator utilisation, 0-1 or a percentage (default 1: full TDP, as ML CO2 Impact)')
    .option('--hours <h>', 'duration in hours')
    .option('--duration <d>', 'duration with a unit, e.g. 90m, 12h, 2d')
    .option('--instance <id>', 'cloud instance provider:type, e.g. aws:p4d.24xlarge (sets GPUs, vCPUs, memory, price)')
    .option('--pricing <model>', `price model for --instance: ${PRICINGS.join(', ')} (reserved = reserved-1y)`)
    .option('--cpu <name>', 'CPU model ("Xeon Gold 6248") or micro-architecture ("Cascade Lake")')
    .option('--vcpus <n>', 'vCPUs used')
    .option('--cpu-util <u>', 'CPU utilisation, 0-1 or a percentage (default 0.5)')
    .option('--memory-gb <gb>', 'memory in GB')
    .option('--region <id>', 'cloud region provider:region, e.g. gcp:europe-west4')
    .option('--country <cc>', 'ISO country code for the grid intensity, e.g. FR')
    .option('--intensity <g>', 'grid intensity in gCO2e/kWh (overrides the location)')
    .option('--pue <p>', 'power usage effectiveness (default: the region\'s, else 1.56 for an unknown data centre)')
    .option('--price-per-hour <usd>', 'price per hour in USD (overrides the catalog price)')
    .option('--electricity-price <usd>', 'electricity price in USD/kWh, for cost on your own hardware')
    .option('--no-embodied', 'leave out embodied (manufacturing) emissions')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  greenml estimate --gpu a100-80gb --count 8 --hours 12 --region gcp:europe-west4 --util 0.6')
    .action(async (flags: EstimateFlags) => {
      if (flags.hours !== undefined && flags.duration !== undefined) throw new GreenmlError('INVALID_INPUT', 'Give --hours or --duration, not both.');
      const durationS =
        flags.hours !== undefined ? parseNumberIn(flags.hours, '--hours', 0, 1e6) * 3600 : flags.duration !== undefined ? parseDurationS(flags.duration, '--duration') : undefined;
      if (durationS === undefined) throw new GreenmlError('INVALID_INPUT', 'Give the duration with --hours 12 or --duration 90m.');
      const pricing = flags.pricing !== undefined ? parsePricing(flags.pricing) : undefined;
      const { estimate } = await import('../../app/index.js');
      const result = estimate({
        durationS,
        ...(flags.gpu !== undefined ? { gpu: flags.gpu } : {}),
        ...(flags.count !== undefined ? { gpuCount: positiveInt(flags.count, '--count') } : {}),
        ...(flags.util !== undefined ? { gpuUtilization: parseUtilization(flags.util, '--util') } : {}),
        ...(flags.instance !== undefined ? { instance: flags.instance } : {}),
        ...(pricing !== undefined ? { pricing } : {}),
        ...(flags.cpu !== undefined ? { cpu: flags.cpu } : {}),
        ...(flags.vcpus !== undefined ? { vcpus: positiveInt(flags.vcpus, '--vcpus') } : {}),
        ...(flags.cpuUtil !== undefined ? { cpuUtilization: parseUtilization(flags.cpuUtil, '--cpu-util') } : {}),
        ...(flags.memoryGb !== undefined ? { memoryGb: parseNumberIn(flags.memoryGb, '--memory-gb', 0, 1e6) } : {}),
        ...(flags.region !== undefined ? { region: flags.region } : {}),
        ...(flags.country !== undefined ? { country: flags.country } : {}),
        ...(flags.intensity !== undefined ? { intensityGPerKwh: parseNumberIn(flags.intensity, '--intensity', 0, 2000) } : {}),
        ...(flags.pue !== undefined ? { pue: parseNumberIn(flags.pue, '--pue', 1, 3) } : {}),
        ...(flags.pricePerHour !== undefined ? { priceUsdPerHour: parseNumberIn(flags.pricePerHour, '--price-per-hour', 0, 1e6) } : {}),
        ...(flags.electricityPrice !== undefined ? { electricityUsdPerKwh: parseNumberIn(flags.electricityPrice, '--electricity-price', 0, 100) } : {}),
        embodied: flags.embodied,
      });
      const { printJson, printLine } = await import('../output.js');
      if (flags.json) {
        printJson(result);
        return;
      }
      const { renderFootprint } = await import('../render-footprint.js');
      const { formatDurationS } = await import('../../core/index.js');
      const hw = result.hardware;
      const what = [hw.instance, hw.gpu ? `${hw.gpuCount} x ${hw.gpu}` : null, hw.cpu].filter(Boolean).join(', ');
      printLine(`Estimate: ${what} for ${formatDurationS(result.footprint.durationS)} in ${result.location}\n`);
      printLine(renderFootprint(result.footprint, { equivalences: result.equivalences, verbose: true }));
    });
};
