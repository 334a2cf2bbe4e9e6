/** The work of `greenml jobs`, loaded only when the command runs. */
import { scheduledPlanOf } from '../../app/index.js';
import { GreenmlError, JOB_STATES, formatDurationS, formatMassG, parseNumberIn, type JobRecord, type JobState } from '../../core/index.js';
import { openCliStore } from '../db.js';
import { colors, printJson, printLine } from '../output.js';
import { renderTable } from '../table.js';
import type { JobsListFlags, JobsOneFlags } from './jobs.js';
import { splitList } from './schedule-action.js';
import { jobSaving, jobWindow, savingText, utc as utcText, windowLine } from './schedule-render.js';

const utc = (ms: number | null): string => (ms === null ? '' : utcText(ms));
const short = (s: string, n: number): string => (s.length > n ? s.slice(0, n - 1) + '…' : s);

function stateText(job: JobRecord): string {
  const c = colors();
  const s = job.state;
  const coloured = s === 'succeeded' ? c.green(s) : s === 'failed' || s === 'missed' ? c.red(s) : s === 'cancelled' ? c.dim(s) : c.yellow(s);
  return s === 'pending' && job.dueAtMs < Date.now() && job.spec.deadlineMs < Date.now() ? `${coloured} ${c.red('(overdue)')}` : coloured;
}

async function getJob(store: Awaited<ReturnType<typeof openCliStore>>, id: string): Promise<JobRecord> {
  const job = await store.getJob(id);
  if (!job) throw new GreenmlError('NOT_FOUND', `No job "${id}". List jobs with greenml jobs list.`);
  return job;
}

export async function list(flags: JobsListFlags): Promise<number> {
  const states = splitList(flags.state).map((s) => s.toLowerCase());
  for (const s of states) if (!(JOB_STATES as readonly string[]).includes(s)) throw new GreenmlError('INVALID_INPUT', `Invalid --state "${s}": use ${JOB_STATES.join(', ')}.`);
  const limit = flags.limit === undefined ? 20 : parseNumberIn(flags.limit, '--limit', 1, 1000);
  const store = await openCliStore({ db: flags.db });
  try {
    const page = await store.listJobs({ ...(states.length ? { state: states as JobState[] } : {}), ...(flags.project ? { project: flags.project } : {}), limit: Math.round(limit), cursor: flags.cursor ?? null });
    if (flags.json) {
      printJson(page);
      return 0;
    }
    if (page.jobs.length === 0) {
      printLine('No jobs. Schedule one with greenml schedule --duration 2h --deadline +8h --region FR -- <command>.');
      return 0;
    }
    printLine(
      renderTable(page.jobs, [
        { header: 'ID', value: (j) => j.id },
        { header: 'STATE', value: stateText },
        { header: 'WINDOW (UTC)', value: jobWindow },
        { header: 'DEADLINE', value: (j) => utc(j.spec.deadlineMs) },
        { header: 'SAVING', value: jobSaving, align: 'right' },
        { header: 'RUN', value: (j) => j.runId ?? '' },
        { header: 'COMMAND', value: (j) => short(j.command.join(' '), 40) },
      ]),
    );
    if (page.nextCursor) printLine(colors().dim(`more: greenml jobs list --cursor ${page.nextCursor}`));
    return 0;
  } finally {
    await store.close();
  }
}

export function renderJob(job: JobRecord): string {
  const c = colors();
  const plan = scheduledPlanOf(job);
  const row = (k: string, v: string): string => `  ${k.padEnd(15)}${v}`;
  const lines = [`${c.bold('Job')} ${c.bold(job.id)}  ${stateText(job)}${job.name ? `  ${job.name}` : ''}`];
  lines.push(row('Command', job.command.join(' ')));
  if (job.cwd) lines.push(row('Directory', job.cwd));
  lines.push(row('Project', job.project));
  const spec = job.spec;
  lines.push(row('Duration', formatDurationS(spec.durationS)));
  lines.push(row('Bounds', `${utc(spec.earliestStartMs)} – ${utc(spec.deadlineMs)} (deadline)`));
  lines.push(row('Regions', spec.regions.join(', ')));
  if (spec.onLost) lines.push(row('If lost', spec.onLost === 'retry' ? 'retry on another agent' : 'fail'));
  if (spec.interruptible) lines.push(row('Interruptible', `chunks of ${formatDurationS(spec.minChunkS)} or more, at most ${spec.maxPauses} pause(s)${spec.resumeCommand ? `; resume: ${spec.resumeCommand.at(-1)}` : ''}`));
  if (Object.keys(job.labels).length) lines.push(row('Labels', Object.entries(job.labels).map(([k, v]) => `${k}=${v}`).join(', ')));
  if (Object.keys(job.env).length) lines.push(row('Environment', Object.keys(job.env).join(', ')));
  if (plan) {
    plan.windows.forEach((w, i) => lines.push(row(i === 0 ? (plan.windows.length > 1 ? 'Windows' : 'Window') : '', windowLine(w, 'UTC'))));
    lines.push(row('Region', `${plan.region} (zone ${plan.zone}), strategy ${plan.strategy}`));
    lines.push(row('Forecast', `${plan.forecast.method} · ${plan.forecast.signal} signal · ${plan.forecast.source}`));
    lines.push(row('Energy', `${plan.energy.kwh === null ? 'unknown' : `${plan.energy.kwh.toPrecision(3)} kWh`} (${plan.energy.detail})`));
    lines.push(row('Expected', `${plan.expectedGPerKwh.toPrecision(3)} g/kWh against ${plan.immediateGPerKwh.toPrecision(3)} g/kWh starting at once: saves ${savingText(plan)}`));
    for (const n of plan.notes) lines.push(row('', c.dim(n)));
    const p = plan.progress;
    if (p) {
      lines.push(row('Runs', p.runIds.join(', ') || 'none yet'));
      lines.push(row('Run time', `${formatDurationS(p.activeS)} so far${p.host ? ` on ${p.host}` : ''}`));
      for (const n of p.notes) lines.push(row('', c.dim(n)));
    }
    const o = plan.outcome;
    if (o) {
      lines.push(row('Outcome', `${formatMassG(o.actualG)} emitted for ${o.energyKwh.toPrecision(3)} kWh (${o.actualGPerKwh.toPrecision(3)} g/kWh)`));
      lines.push(row('', `starting at once: ${formatMassG(o.immediateG)} (${o.immediateGPerKwh.toPrecision(3)} g/kWh) → saved ${c.green(formatMassG(o.savedG))} (${(o.savingRatio * 100).toFixed(1)} %)`));
      lines.push(row('', c.dim(`counterfactual: ${o.method === 'repriced-series' ? 'the measured energy profile re-priced at the immediate start' : "the plan's intensities applied to the measured energy"} (${o.source})`)));
      for (const n of o.notes) lines.push(row('', c.dim(n)));
    }
  }
  lines.push(row('Due', utc(job.dueAtMs)));
  if (job.agentId) lines.push(row('Agent', `${job.agentId}${job.leaseUntilMs ? `, held until ${utc(job.leaseUntilMs)}` : ''}`));
  lines.push(row('Attempts', String(job.attempts)));
  if (job.startedAt) lines.push(row('Started', utc(job.startedAt)));
  if (job.endedAt) lines.push(row('Ended', utc(job.endedAt)));
  if (job.runId) lines.push(row('Run', `${job.runId} (greenml runs show ${job.runId})`));
  if (job.error) lines.push(row('Error', c.red(job.error)));
  return lines.join('\n');
}

export async function show(id: string, flags: JobsOneFlags): Promise<number> {
  const store = await openCliStore({ db: flags.db });
  try {
    const job = await getJob(store, id);
    if (flags.json) printJson(job);
    else printLine(renderJob(job));
    return 0;
  } finally {
    await store.close();
  }
}

export async function cancel(id: string, flags: JobsOneFlags): Promise<number> {
  const store = await openCliStore({ db: flags.db });
  try {
    const job = await getJob(store, id);
    const { localQueue } = await import('../../schedule/index.js');
    const r = await localQueue(store).cancel(job.id, Date.now());
    const held = r.previous === 'running' || (r.previous === 'paused' && job.agentId !== null);
    if (flags.json) printJson({ job: r.job, previous: r.previous, stoppedByAgent: held });
    else if (held) printLine(`Cancelled job ${r.job.id} (it was ${r.previous} on agent ${job.agentId}): the agent stops it at its next check (SIGTERM to its process group, SIGKILL 10 s later).`);
    else printLine(`Cancelled job ${r.job.id} (it was ${r.previous}); it will not run.`);
    return 0;
  } finally {
    await store.close();
  }
}
