/** How a plan and a job read in the terminal: windows in UTC and local time, the saving, the forecast, a chart. */
import { describeInstant, scheduledPlanOf, type ParsedTime, type PlannedJob, type ScheduledPlan } from '../../app/index.js';
import { formatDurationS, formatMassG, type IntensityPoint, type JobRecord, type JobWindow } from '../../core/index.js';
import { colors } from '../output.js';

const offMinute = (ms: number): boolean => ms % 60_000 !== 0;
/** Minutes, or seconds when the time is not on a whole minute (short test windows, "+30s" deadlines). */
export const utc = (ms: number, seconds = offMinute(ms)): string => new Date(ms).toISOString().slice(0, seconds ? 19 : 16).replace('T', ' ') + 'Z';
const hm = (ms: number, seconds: boolean): string => new Date(ms).toISOString().slice(11, seconds ? 19 : 16) + 'Z';
const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));
const pct = (ratio: number): string => `${(ratio * 100).toFixed(1)} %`;

function localSpan(w: JobWindow, zone: string, seconds: boolean): string {
  if (zone === 'UTC') return '';
  const f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}), hourCycle: 'h23' });
  const part = (ms: number): string => {
    const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']}${seconds ? `:${p['second']}` : ''}`;
  };
  const a = part(w.startMs);
  const b = part(w.endMs);
  return `  (${a} – ${b.slice(0, 10) === a.slice(0, 10) ? b.slice(11) : b} ${zone})`;
}

/** Both ends in one precision: a window that starts on a whole minute and ends 5 s later reads 19:59:00Z – 19:59:05Z. */
export function windowLine(w: JobWindow, zone: string): string {
  const seconds = offMinute(w.startMs) || offMinute(w.endMs);
  const sameDay = utc(w.startMs).slice(0, 10) === utc(w.endMs).slice(0, 10);
  return `${utc(w.startMs, seconds)} – ${sameDay ? hm(w.endMs, seconds) : utc(w.endMs, seconds)}${localSpan(w, zone, seconds)}`;
}

/** "saves 57 g (31.6 %)" or "saves 90 g/kWh (30.0 %)" when the energy is unknown. */
export function savingText(plan: ScheduledPlan): string {
  const saved = plan.perKwh ? `${fmt(plan.savingG)} g per kWh` : formatMassG(plan.savingG);
  return `${saved} (${pct(plan.savingRatio)})`;
}

function chart(points: readonly IntensityPoint[], fromMs: number, toMs: number, windows: readonly JobWindow[], width: number, height: number, plot: (s: number[], o: object) => string): string[] {
  const labelWidth = 7;
  const margin = labelWidth + 2;
  const columns = Math.max(20, Math.min(120, width - margin - 1));
  const step = (toMs - fromMs) / columns;
  const values: Array<number | null> = [];
  for (let i = 0; i < columns; i++) {
    const a = fromMs + i * step;
    const b = a + step;
    let w = 0;
    let sum = 0;
    for (const p of points) {
      const lo = Math.max(a, p.t);
      const hi = Math.min(b, p.t + p.durationS * 1000);
      if (hi > lo) {
        w += hi - lo;
        sum += p.intensityGPerKwh * (hi - lo);
      }
    }
    values.push(w > 0 ? sum / w : null);
  }
  const first = values.find((v) => v !== null);
  if (first === undefined || first === null) return ['(no forecast values to draw)'];
  let last = first;
  const filled = values.map((v) => (v === null ? last : (last = v)));
  const lines = [plot(filled, { height, padding: ' '.repeat(labelWidth), format: (x: number) => fmt(x).padStart(labelWidth) })];
  const marks = Array.from({ length: columns }, (_, i) => {
    const mid = fromMs + (i + 0.5) * step;
    return windows.some((w) => mid >= w.startMs && mid < w.endMs) ? '█' : ' ';
  }).join('');
  lines.push(' '.repeat(margin) + marks.trimEnd() + '  ← planned window' + (windows.length > 1 ? 's' : ''));
  const left = utc(fromMs);
  const right = utc(toMs);
  lines.push(' '.repeat(margin) + left + right.padStart(Math.max(columns - left.length, right.length + 1)));
  return lines;
}

export interface RenderPlanOptions {
  zone: string;
  deadline: ParsedTime;
  notBefore: ParsedTime | null;
  nowMs: number;
  width: number;
  height: number;
  waiting: boolean;
}

export async function renderPlan(planned: PlannedJob, o: RenderPlanOptions): Promise<string> {
  const c = colors();
  const { job, plan } = planned;
  const lines: string[] = [];
  lines.push(`${c.bold('Job')} ${c.bold(job.id)} ${o.waiting ? 'planned' : 'scheduled'}: ${job.command.join(' ')}`);
  const label = plan.strategy === 'now' ? 'Start now' : plan.windows.length > 1 ? 'Windows' : 'Window';
  plan.windows.forEach((w, i) => lines.push(`  ${(i === 0 ? label : '').padEnd(10)}${windowLine(w, o.zone)}`));
  if (plan.windows.length > 1) lines.push(`  ${''.padEnd(10)}${c.dim(`interruptible: ${plan.windows.length} chunks, ${plan.windows.length - 1} pause(s)${job.spec.resumeCommand ? ', resumed with the resume command' : ', paused with SIGSTOP'}`)}`);
  lines.push(`  ${'Region'.padEnd(10)}${plan.region} (zone ${plan.zone})${plan.alternatives.length > 1 ? c.dim(`  alternatives: ${plan.alternatives.map((a) => `${a.region} ${a.meanIntensityGPerKwh === null ? 'no window' : `${fmt(a.meanIntensityGPerKwh)} g/kWh`}`).join(', ')}`) : ''}`);
  lines.push(`  ${'Deadline'.padEnd(10)}${describeInstant(o.deadline.ms, o.zone)}${o.deadline.zone ? c.dim(`  (read "${o.deadline.text}" as ${o.deadline.readAs})`) : ''}`);
  if (o.notBefore) lines.push(`  ${'Not before'.padEnd(10)}${describeInstant(o.notBefore.ms, o.zone)}`);
  for (const n of [...o.deadline.notes, ...(o.notBefore?.notes ?? [])]) lines.push(`  ${''.padEnd(10)}${c.yellow(n)}`);
  const expected = plan.perKwh ? `${fmt(plan.expectedGPerKwh)} g/kWh` : `${formatMassG(plan.expectedG)} at ${fmt(plan.expectedGPerKwh)} g/kWh`;
  const immediate = plan.perKwh ? `${fmt(plan.immediateGPerKwh)} g/kWh` : `${formatMassG(plan.immediateG)} at ${fmt(plan.immediateGPerKwh)} g/kWh`;
  lines.push(`  ${'Expected'.padEnd(10)}${expected}; starting at once: ${immediate}`);
  const savingColour = plan.savingRatio > 0 ? c.green : (s: string) => s;
  lines.push(`  ${'Saving'.padEnd(10)}${savingColour(savingText(plan))}`);
  lines.push(`  ${'Forecast'.padEnd(10)}${plan.forecast.method} · ${plan.forecast.signal} signal · ${plan.forecast.source}`);
  lines.push(`  ${'Energy'.padEnd(10)}${plan.energy.kwh === null ? `unknown: ${plan.energy.detail}` : `${plan.energy.kwh.toPrecision(3)} kWh (${plan.energy.detail})`}`);
  const chosen = planned.forecasts.find((f) => f.region === plan.region);
  if (chosen && chosen.points.length > 0) {
    const asciichart = (await import('asciichart')).default;
    lines.push('');
    lines.push(c.dim(`${chosen.zone} · gCO2e/kWh · ${chosen.method}`));
    const toMs = Math.max(plan.windows.at(-1)?.endMs ?? 0, Math.min(job.spec.deadlineMs, plan.searchedUntilMs));
    lines.push(...chart(chosen.points, job.spec.earliestStartMs, toMs, plan.windows, o.width, o.height, asciichart.plot));
  }
  for (const n of plan.notes) lines.push(c.dim(`  note: ${n}`));
  if (!o.waiting) {
    const due = job.dueAtMs - o.nowMs;
    lines.push('');
    lines.push(`Queued: an agent (greenml agent${Object.keys(job.labels).length ? ` --labels ${Object.entries(job.labels).map(([k, v]) => `${k}=${v}`).join(',')}` : ''}) runs it ${due > 1000 ? `in ${formatDurationS(Math.round(due / 1000))}` : 'now'}. See it with greenml jobs show ${job.id}.`);
  }
  return lines.join('\n');
}

/** Saving for a job listing: what was saved when it ended, else what the plan expects. */
export function jobSaving(job: JobRecord): string {
  const plan = scheduledPlanOf(job);
  if (!plan) return '';
  if (plan.outcome) return `saved ${formatMassG(plan.outcome.savedG)} (${pct(plan.outcome.savingRatio)})`;
  return savingText(plan);
}

export function jobWindow(job: JobRecord): string {
  const plan = scheduledPlanOf(job);
  const w = plan?.windows;
  if (!w || w.length === 0) return utc(job.dueAtMs);
  const first = w[0] as JobWindow;
  return `${windowLine(first, 'UTC')}${w.length > 1 ? ` +${w.length - 1}` : ''}`;
}
