/** The work of `greenml schedule`, loaded only when the command runs. */
import { hostname } from 'node:os';
import {
  parseTimeInput,
  planJob,
  resolveScheduleRegion,
  resolveTimeZone,
  type ParsedTime,
  type PlannedJob,
  type ScheduleRequest,
} from '../../app/index.js';
import { GreenmlError, parseDurationS, parseEnergyKwh, parseNumberIn } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import { resolveSettings } from '../config.js';
import { openCliStore } from '../db.js';
import { printJson, printLine } from '../output.js';
import { buildSources, newJobId, parseOnLost, sourceRefFromFlags } from './job-runtime.js';
import type { ScheduleFlags } from './schedule.js';
import { renderPlan } from './schedule-render.js';

/** "k=v,k2=v2" (or repeated KEY=VALUE items) -> a record; `what` names the flag in messages. */
export function parsePairs(items: readonly string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const i = item.indexOf('=');
    if (i <= 0) throw new GreenmlError('INVALID_INPUT', `Invalid ${what} "${item}": use key=value, e.g. ${what === '--env' ? 'CUDA_VISIBLE_DEVICES=0' : 'gpu=a100'}.`);
    out[item.slice(0, i).trim()] = item.slice(i + 1).trim();
  }
  return out;
}

export const splitList = (text: string | undefined): string[] => (text ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);

/** "5%", "5" (percent) or "0" -> a ratio. */
function parseSaving(text: string): number {
  const t = text.trim().replace(/%$/, '');
  const pct = parseNumberIn(t, '--min-saving (percent)', 0, 99);
  return pct / 100;
}

export interface ScheduleParsed {
  request: ScheduleRequest;
  zone: string;
  deadline: ParsedTime;
  notBefore: ParsedTime | null;
}

/** Every check on the flags, before the store is opened: bad input exits 2 with nothing stored. */
export function parseScheduleFlags(command: string[], flags: ScheduleFlags, nowMs: number, env: Record<string, string | undefined>, cwd: string): ScheduleParsed {
  const zone = resolveTimeZone(flags.tz, env);
  if (!flags.deadline) throw new GreenmlError('INVALID_INPUT', 'Give a deadline: --deadline +8h, --deadline 07:00 or --deadline "2026-11-23 07:00" (read in --tz).');
  const deadline = parseTimeInput(flags.deadline, { nowMs, zone, what: '--deadline' });
  const notBefore = flags.notBefore ? parseTimeInput(flags.notBefore, { nowMs, zone, what: '--not-before' }) : null;
  if (flags.region && flags.regions) throw new GreenmlError('INVALID_INPUT', 'Give --region or --regions, not both.');
  const { values: s } = resolveSettings({ flags: {}, env, cwd });
  const regions = flags.regions ? splitList(flags.regions) : flags.region ? [flags.region] : flags.fromRun ? [] : s.region ? [s.region] : s.country ? [s.country] : [];
  regions.forEach(resolveScheduleRegion);
  const request: ScheduleRequest = {
    command,
    cwd,
    project: flags.project ?? s.project ?? 'default',
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    ...(flags.duration !== undefined ? { durationS: parseDurationS(flags.duration, '--duration') } : {}),
    ...(flags.fromRun !== undefined ? { fromRun: flags.fromRun } : {}),
    ...(flags.energy !== undefined ? { energyKwh: parseEnergyKwh(flags.energy, '--energy') } : {}),
    ...(flags.instance || flags.gpu
      ? {
          hardware: {
            ...(flags.instance ? { instance: flags.instance } : {}),
            ...(flags.gpu ? { gpu: flags.gpu } : {}),
            ...(flags.gpus !== undefined ? { gpuCount: parseNumberIn(flags.gpus, '--gpus', 1, 1024) } : {}),
          },
        }
      : {}),
    ...(notBefore ? { notBeforeMs: notBefore.ms } : {}),
    deadlineMs: deadline.ms,
    regions,
    interruptible: flags.interruptible === true,
    ...(flags.minChunk !== undefined ? { minChunkS: parseDurationS(flags.minChunk, '--min-chunk') } : {}),
    ...(flags.maxPauses !== undefined ? { maxPauses: parseNumberIn(flags.maxPauses, '--max-pauses', 0, 1000) } : {}),
    ...(flags.resumeCommand !== undefined ? { resumeCommand: ['/bin/sh', '-c', flags.resumeCommand] } : {}),
    ...(flags.onLost !== undefined ? { onLost: parseOnLost(flags.onLost, '--on-lost') } : {}),
    ...(flags.minSaving !== undefined ? { minSavingRatio: parseSaving(flags.minSaving) } : {}),
    env: parsePairs(flags.env, '--env'),
    labels: parsePairs(splitList(flags.labels), '--labels'),
  };
  if (request.maxPauses !== undefined && !Number.isInteger(request.maxPauses)) throw new GreenmlError('INVALID_INPUT', `--max-pauses must be a whole number, got ${flags.maxPauses}.`);
  return { request, zone, deadline, notBefore };
}

export interface ScheduleOutput {
  job: PlannedJob['job'];
  plan: PlannedJob['plan'];
  timeZone: string;
  deadline: ParsedTime & { utc: string };
  notBefore: (ParsedTime & { utc: string }) | null;
  forecasts: Array<{ region: string; zone: string; method: string; source: string; signal: string; points: number }>;
}

export function scheduleOutput(planned: PlannedJob, parsed: ScheduleParsed): ScheduleOutput {
  const utc = (t: ParsedTime): ParsedTime & { utc: string } => ({ ...t, utc: new Date(t.ms).toISOString() });
  return {
    job: planned.job,
    plan: planned.plan,
    timeZone: parsed.zone,
    deadline: utc(parsed.deadline),
    notBefore: parsed.notBefore ? utc(parsed.notBefore) : null,
    forecasts: planned.forecasts.map((f) => ({ region: f.region, zone: f.zone, method: f.method, source: f.source, signal: f.signal, points: f.points.length })),
  };
}

async function plan(store: Store, parsed: ScheduleParsed, flags: ScheduleFlags, nowMs: number, waiter: string | null): Promise<PlannedJob> {
  const req = parsed.request;
  let homeRegion = req.regions[0];
  if (homeRegion === undefined && req.fromRun) {
    const run = await store.getRun(req.fromRun);
    homeRegion = run?.location?.region ?? run?.location?.country;
  }
  const homeZone = homeRegion ? resolveScheduleRegion(homeRegion).zone : 'unknown';
  const where = { env: process.env, cwd: req.cwd ?? process.cwd() };
  const sourceRef = sourceRefFromFlags(flags, homeZone, where);
  const sources = await buildSources(sourceRef, store, { ...where, nowMs: () => nowMs });
  return planJob(
    { ...req, sourceRef, labels: { ...(req.labels ?? {}), ...(waiter ? { 'greenml.waiter': waiter } : {}) } },
    { nowMs, source: sources.source, stored: sources.stored, getRun: (id) => store.getRun(id), newJobId },
  );
}

export async function scheduleAction(command: string[], flags: ScheduleFlags): Promise<number> {
  const nowMs = Date.now();
  const parsed = parseScheduleFlags(command, flags, nowMs, process.env, process.cwd());
  const height = parseNumberIn(flags.height ?? '10', '--height', 3, 60);
  const store = await openCliStore({ db: flags.db });
  try {
    const waiter = flags.wait ? `${hostname()}:${process.pid}` : null;
    const planned = await plan(store, parsed, flags, nowMs, waiter);
    const { localQueue } = await import('../../schedule/index.js');
    const queue = localQueue(store);
    await queue.enqueue(planned.job);
    const write = flags.wait ? (t: string) => process.stderr.write(t + '\n') : printLine;
    if (flags.json) {
      if (flags.wait) process.stderr.write(JSON.stringify(scheduleOutput(planned, parsed), null, 2) + '\n');
      else printJson(scheduleOutput(planned, parsed));
    } else {
      write(await renderPlan(planned, { zone: parsed.zone, deadline: parsed.deadline, notBefore: parsed.notBefore, nowMs, width: (flags.wait ? process.stderr.columns : process.stdout.columns) ?? 100, height, waiting: flags.wait === true }));
    }
    if (!flags.wait) return 0;
    const { waitAndRun } = await import('./schedule-wait.js');
    return await waitAndRun(store, queue, planned, { agentId: waiter as string, zone: parsed.zone });
  } finally {
    await store.close();
  }
}

