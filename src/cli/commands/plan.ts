/**
 * `greenml plan`: rank every instance x region x pricing option of the catalog for one workload on
 * cost, carbon and time, mark the Pareto front, and explain a recommendation per goal against the
 * user's current choice. The app and the catalog load inside the action.
 */
import type { Command } from 'commander';
import {
  GOALS,
  GreenmlError,
  PRECISIONS,
  PRICINGS,
  parsePricing,
  formatDurationS,
  formatEnergyKwh,
  formatMassG,
  formatUsd,
  parseCount,
  parseDurationS,
  parseNumberIn,
  parseUsd,
  type Goal,
  type PlanConstraints,
  type PlanOption,
  type PlanResult,
  type Precision,
} from '../../core/index.js';
import type { PlanDeps, PlanRequest } from '../../app/index.js';
import { colors, printJson, printLine, warn } from '../output.js';
import { renderTable, type Column } from '../table.js';
import type { RegisterCommand } from './index.js';

export interface PlanFlags {
  params?: string;
  tokens?: string;
  mfu?: string;
  bytesPerParam?: string;
  gpuHours?: string;
  on?: string;
  fromRun?: string;
  precision?: string;
  bound?: string;
  powerUtil?: string;
  gpus?: string;
  minGpuMemory?: string;
  deadline?: string;
  budgetUsd?: string;
  providers?: string;
  regions?: string;
  pricing?: string;
  optimize?: string;
  current?: string;
  spotOverhead?: string;
  nodes?: string;
  parallelism?: string;
  top?: string;
  json?: boolean;
  csv?: boolean;
  db?: string;
}

/** The count parser is core's (the dashboard's plan form uses it too); exported here as before. */
export { parseCount } from '../../core/index.js';

/** "8" (exactly), "1-2" (a range), "4+" (at least) accelerators per instance. */
export function parseBoardCount(text: string): { min?: number; max?: number } {
  const m = /^\s*(\d+)\s*(?:(\+)|-\s*(\d+))?\s*$/.exec(text);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m?.[3] !== undefined ? Number(m[3]) : m?.[2] ? undefined : lo;
  if (!m || !(lo >= 1) || (hi !== undefined && hi < lo)) {
    throw new GreenmlError('INVALID_INPUT', `Invalid --gpus "${text}": give accelerators per instance as 8 (exactly), 1-2 (a range) or 4+ (at least).`);
  }
  return hi === undefined ? { min: lo } : { min: lo, max: hi };
}

function oneOf<T extends string>(text: string, allowed: readonly T[], what: string): T {
  const t = text.trim().toLowerCase();
  if ((allowed as readonly string[]).includes(t)) return t as T;
  throw new GreenmlError('INVALID_INPUT', `Invalid ${what} "${text}": use one of ${allowed.join(', ')}.`);
}

const list = (text: string | undefined): string[] | undefined => {
  if (text === undefined) return undefined;
  const xs = text.split(',').map((x) => x.trim()).filter(Boolean);
  return xs.length ? xs : undefined;
};

/** Turns the flags into an app request, with a clear error for each mistake. */
export function planRequestFromFlags(f: PlanFlags): PlanRequest {
  const forms = [f.params !== undefined || f.tokens !== undefined, f.gpuHours !== undefined, f.fromRun !== undefined].filter(Boolean).length;
  if (forms !== 1) {
    throw new GreenmlError('INVALID_INPUT', `Describe the workload one way: --params N --tokens D (transformer training), --gpu-hours H --on <accelerator>, or --from-run <id>${forms > 1 ? ' (several were given)' : ''}.`);
  }
  let workload: PlanRequest['workload'];
  if (f.fromRun !== undefined) {
    workload = { kind: 'run', runId: f.fromRun, on: f.on };
  } else if (f.gpuHours !== undefined) {
    if (!f.on) throw new GreenmlError('INVALID_INPUT', '--gpu-hours needs --on <accelerator>, the hardware the hours were measured on (e.g. --on a100-80gb).');
    const hours = parseNumberIn(f.gpuHours, '--gpu-hours', 0, 1e9);
    if (!(hours > 0)) throw new GreenmlError('INVALID_INPUT', `--gpu-hours must be greater than zero, got ${f.gpuHours}.`);
    workload = { kind: 'accelerator-hours', hours, on: f.on };
  } else {
    if (f.params === undefined || f.tokens === undefined) throw new GreenmlError('INVALID_INPUT', '--params and --tokens go together: give both, e.g. --params 7e9 --tokens 1e12.');
    if (f.on !== undefined) throw new GreenmlError('INVALID_INPUT', '--on names the hardware of --gpu-hours or --from-run; with --params/--tokens every accelerator is considered.');
    const mfu = f.mfu === undefined ? undefined : parseNumberIn(f.mfu, '--mfu (fraction of dense peak, e.g. 0.4)', 0, 1);
    if (mfu === 0) throw new GreenmlError('INVALID_INPUT', '--mfu must be greater than zero, e.g. 0.4 for 40 %.');
    const bytesPerParam = f.bytesPerParam === undefined ? undefined : parseNumberIn(f.bytesPerParam, '--bytes-per-param', 0, 64);
    workload = { kind: 'training', params: parseCount(f.params, '--params'), tokens: parseCount(f.tokens, '--tokens'), mfu, bytesPerParam };
  }
  if (workload.kind !== 'training' && (f.mfu !== undefined || f.bytesPerParam !== undefined)) {
    throw new GreenmlError('INVALID_INPUT', '--mfu and --bytes-per-param apply to --params/--tokens only: measured hours already include the efficiency reached.');
  }
  const constraints: PlanConstraints = {};
  if (f.gpus !== undefined) constraints.acceleratorCount = parseBoardCount(f.gpus);
  if (f.minGpuMemory !== undefined) constraints.minGpuMemoryGb = parseNumberIn(f.minGpuMemory.replace(/\s*gb$/i, ''), '--min-gpu-memory (GB per accelerator)', 0, 10_000);
  if (f.deadline !== undefined) constraints.deadlineS = parseDurationS(f.deadline, '--deadline');
  if (constraints.deadlineS === 0) throw new GreenmlError('INVALID_INPUT', '--deadline must be longer than zero, e.g. 72h or 14d.');
  if (f.budgetUsd !== undefined) constraints.budgetUsd = parseUsd(f.budgetUsd, '--budget-usd');
  constraints.providers = list(f.providers)?.map((p) => p.toLowerCase());
  constraints.regions = list(f.regions);
  constraints.pricing = list(f.pricing)?.map((p) => parsePricing(p));
  const req: PlanRequest = { workload, constraints };
  if (f.precision !== undefined) req.precision = oneOf<Precision>(f.precision, PRECISIONS, '--precision');
  if (f.bound !== undefined) req.bound = oneOf(f.bound, ['compute', 'memory'] as const, '--bound');
  if (f.powerUtil !== undefined) req.powerUtilization = parseNumberIn(f.powerUtil, '--power-util (share between idle and TDP)', 0, 1);
  if (f.optimize !== undefined) req.optimize = oneOf<Goal>(f.optimize, GOALS, '--optimize');
  if (f.current !== undefined) req.current = f.current;
  if (f.spotOverhead !== undefined) req.spotOverhead = parseNumberIn(f.spotOverhead, '--spot-overhead (fraction of extra time, e.g. 0.1)', 0, 5);
  if (f.nodes !== undefined) {
    req.nodes = parseNumberIn(f.nodes, '--nodes', 1, 10_000);
    if (!Number.isInteger(req.nodes)) throw new GreenmlError('INVALID_INPUT', `--nodes must be a whole number, got ${f.nodes}.`);
  }
  if (f.parallelism !== undefined) {
    req.parallelism = parseNumberIn(f.parallelism, '--parallelism', 1, 100_000);
    if (!Number.isInteger(req.parallelism)) throw new GreenmlError('INVALID_INPUT', `--parallelism must be a whole number of vCPUs, got ${f.parallelism}.`);
  }
  return req;
}

const accLabel = (o: PlanOption): string => (o.offer.accelerator ? `${o.offer.accelerator.count} x ${o.offer.accelerator.name.replace(/^(NVIDIA|Google|AWS)\s+/, '')}` : `${o.offer.vcpus} vCPU`);

/** The human view: top N rows (Pareto rows marked, the current choice added), recommendations, assumptions. */
export function renderPlan(r: PlanResult, top: number): string {
  const k = colors();
  const shown = r.options.slice(0, top);
  const rank = new Map(r.options.map((o, i) => [o.id, i + 1]));
  const cur = r.current.option;
  const rows: PlanOption[] = shown.some((o) => o.id === cur.id) ? shown : [...shown, cur];
  const cols: Column<PlanOption>[] = [
    { header: '#', value: (o) => String(rank.get(o.id) ?? '-'), align: 'right' },
    { header: 'P', value: (o) => (o.pareto ? '*' : '') },
    { header: 'INSTANCE', value: (o) => o.offer.instanceType + (o.id === cur.id ? k.cyan(' (current)') : '') },
    { header: 'REGION', value: (o) => `${o.offer.provider}:${o.offer.region}` },
    { header: 'PRICING', value: (o) => o.offer.pricing },
    { header: 'HARDWARE', value: accLabel },
    { header: 'TIME', value: (o) => formatDurationS(o.durationS), align: 'right' },
    { header: 'ENERGY', value: (o) => formatEnergyKwh(o.energyKwh), align: 'right' },
    { header: 'g/kWh', value: (o) => String(Number(o.offer.intensity.value.toPrecision(3))), align: 'right' },
    { header: 'CO2e', value: (o) => formatMassG(o.totalG), align: 'right' },
    { header: 'COST', value: (o) => formatUsd(o.costUsd), align: 'right' },
  ];
  const out: string[] = [];
  out.push(`${k.bold('Plan')}: ${r.workload.label}`);
  out.push(k.dim(`${r.evaluated.toLocaleString('en-US')} options evaluated (instance x region x pricing), ${r.options.length.toLocaleString('en-US')} feasible, ${r.paretoIds.length} on the Pareto front; sorted by ${r.optimize}.`));
  out.push('');
  out.push(renderTable(rows, cols));
  const curNote = rows === shown ? '' : ` The last row is the current choice${r.current.excludedBy ? `, which the ${r.current.excludedBy} constraint excludes` : ''}.`;
  out.push(k.dim(`* Pareto-optimal: no other option is at least as cheap, as low-carbon and as fast, and better on one. CO2e = operational + embodied.${curNote}`));
  const notes = new Map<string, string[]>();
  for (const o of rows) for (const n of o.notes) notes.set(n, [...(notes.get(n) ?? []), `#${rank.get(o.id) ?? '-'}`]);
  if (notes.size > 0) {
    out.push('');
    out.push(k.bold('Notes'));
    for (const [n, where] of notes) out.push(`- ${where.join(', ')}: ${n}`);
  }
  out.push('');
  r.recommendations.forEach((rec, i) => out.push(i === 0 ? k.bold(rec.sentence) : rec.sentence));
  out.push('');
  out.push(k.bold('Assumptions'));
  for (const a of r.assumptions) out.push(k.dim(`- ${a.text} [${a.source}]`));
  return out.join('\n');
}

const CSV_COLUMNS: [string, (o: PlanOption, rank: number) => string | number | boolean][] = [
  ['rank', (_, i) => i],
  ['id', (o) => o.id],
  ['pareto', (o) => o.pareto],
  ['provider', (o) => o.offer.provider],
  ['instance_type', (o) => o.offer.instanceType],
  ['region', (o) => o.offer.region],
  ['pricing', (o) => o.offer.pricing],
  ['accelerator', (o) => o.offer.accelerator?.id ?? ''],
  ['accelerator_count', (o) => o.offer.accelerator?.count ?? 0],
  ['vcpus', (o) => o.offer.vcpus],
  ['price_usd_per_hour', (o) => o.offer.priceUsdPerHour],
  ['duration_s', (o) => o.durationS],
  ['it_power_w', (o) => o.itPowerW],
  ['pue', (o) => o.offer.pue.value],
  ['energy_kwh', (o) => o.energyKwh],
  ['intensity_g_per_kwh', (o) => o.offer.intensity.value],
  ['operational_g', (o) => o.operationalG],
  ['embodied_g', (o) => o.embodiedG],
  ['total_g', (o) => o.totalG],
  ['cost_usd', (o) => o.costUsd],
  ['notes', (o) => o.notes.join('; ')],
];

const csvCell = (v: string | number | boolean): string => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Every feasible option, in rank order, one row each. */
export function renderPlanCsv(r: PlanResult): string {
  const lines = [CSV_COLUMNS.map((c) => c[0]).join(',')];
  r.options.forEach((o, i) => lines.push(CSV_COLUMNS.map(([, get]) => csvCell(get(o, i + 1))).join(',')));
  return lines.join('\n');
}

/** The current choice from the settings (flags > env > greenml.config.json), when they name an instance and a region. */
async function settingsCurrent(db: string | undefined): Promise<PlanRequest['fallbackCurrent']> {
  const { resolveSettings } = await import('../config.js');
  const { values, origin, file } = resolveSettings({ flags: { db }, env: process.env, cwd: process.cwd() });
  if (!values.instance || !values.region) return undefined;
  const where = origin.instance === 'file' ? (file ?? 'greenml.config.json') : 'GREENML_INSTANCE / GREENML_REGION';
  return { choice: `${values.instance}@${values.region}:${values.pricing ?? 'on-demand'}`, rule: `your instance, region and pricing from ${where}` };
}

export async function runPlan(flags: PlanFlags, deps: PlanDeps = {}): Promise<PlanResult> {
  const req = planRequestFromFlags(flags);
  const { planWorkload } = await import('../../app/index.js');
  if (!req.current) req.fallbackCurrent = await settingsCurrent(flags.db);
  try {
    return await planWorkload(req, deps);
  } catch (e) {
    // A stale instance in the settings must not block the plan: compare with the stated default instead.
    if (req.fallbackCurrent && e instanceof GreenmlError && e.code === 'UNKNOWN_ID' && e.details?.current) {
      warn(`${e.message} (from ${req.fallbackCurrent.rule.replace(/^your instance, region and pricing from /, '')}); comparing with the default instead.`);
      return planWorkload({ ...req, fallbackCurrent: undefined }, deps);
    }
    throw e;
  }
}

export const registerPlan: RegisterCommand = (program: Command) => {
  program
    .command('plan')
    .description('Rank hardware x instance x region x pricing for a workload on cost, carbon and time, before spending')
    .option('--params <N>', 'transformer training: parameter count (7e9, 7B)')
    .option('--tokens <D>', 'transformer training: training tokens (1e12, 1T); compute = 6 x N x D FLOPs')
    .option('--mfu <fraction>', 'model FLOPs utilisation for --params/--tokens (default 0.4: Llama 3 reports 38-43 % on H100)')
    .option('--bytes-per-param <n>', 'model-state bytes per parameter the instance must hold (default 16, mixed-precision Adam; 0 to skip)')
    .option('--gpu-hours <H>', 'accelerator-hours measured on --on, scaled to other hardware by dense TFLOPS')
    .option('--on <accelerator>', 'the accelerator of --gpu-hours (or of --from-run when the record does not say), e.g. a100-80gb')
    .option('--from-run <id>', 'a measured run: its duration, hardware and GPU power, scaled to every option')
    .option('--precision <p>', `number format for throughput: ${PRECISIONS.join(', ')} (default bf16)`)
    .option('--bound <kind>', 'compute (dense TFLOPS, default) or memory (memory bandwidth) scaling for --gpu-hours/--from-run')
    .option('--power-util <fraction>', 'accelerator power between idle (0) and TDP (1); default 0.76 at MFU 0.4, or measured for --from-run')
    .option('--gpus <n>', 'accelerators per instance: 8 (exactly), 1-2 (a range) or 4+ (at least); a measured run scales linearly otherwise')
    .option('--min-gpu-memory <GB>', 'only accelerators with at least this much memory each')
    .option('--deadline <duration>', 'finish within this long (e.g. 72h, 14d)')
    .option('--budget-usd <usd>', 'cost at most this much')
    .option('--providers <list>', 'only these providers, comma-separated (aws,gcp,azure)')
    .option('--regions <list>', 'only these regions, comma-separated (us-east-1, gcp:europe-west4)')
    .option('--pricing <list>', `only these pricing models, comma-separated (${PRICINGS.join(', ')}; reserved = reserved-1y)`)
    .option('--optimize <goal>', `what to recommend first: ${GOALS.join(', ')}`, 'balanced')
    .option('--current <choice>', 'your current choice <instance>@<region>[:<pricing>] (default: config instance/region, else the cheapest feasible on-demand option in aws:us-east-1)')
    .option('--spot-overhead <fraction>', 'extra time on spot for checkpoints and restarts (default 0.1)')
    .option('--nodes <n>', 'identical instances to spread the work over (linear scaling; default 1)')
    .option('--parallelism <n>', 'with --from-run on a CPU run: vCPUs the job can keep busy at once (default: measured from its samples)')
    .option('--top <n>', 'rows in the table', '10')
    .option('--json', 'print the full result as JSON')
    .option('--csv', 'print every feasible option as CSV')
    .option('--db <path>', 'run store for --from-run (default: GREENML_DB, config, or the user data directory)')
    .action(async (flags: PlanFlags) => {
      if (flags.json && flags.csv) throw new GreenmlError('INVALID_INPUT', 'Choose one output: --json or --csv.');
      const top = parseNumberIn(flags.top ?? '10', '--top', 1, 100_000);
      let close: (() => Promise<void>) | undefined;
      const deps: PlanDeps = {};
      if (flags.fromRun !== undefined) {
        const { openCliStore } = await import('../db.js');
        const store = await openCliStore({ db: flags.db });
        close = () => store.close();
        deps.runs = store;
      }
      try {
        const result = await runPlan(flags, deps);
        if (flags.json) printJson(result);
        else if (flags.csv) printLine(renderPlanCsv(result));
        else printLine(renderPlan(result, Math.floor(top)));
      } finally {
        await close?.();
      }
    });
};
