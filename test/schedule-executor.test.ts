/**
 * The executor with real children, the real meter and a real SQLite store: a planned pause stops
 * the whole process group (its progress does not advance) and the run's duration and energy leave
 * the paused time out; a resume command runs the job in segments; a cancelled job is stopped; a
 * job whose window passed runs at once or is missed. Windows are a few seconds long.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measureCommand, scheduledPlanOf, type ScheduledPlan } from '../src/app/index.js';
import type { IntensityPoint, JobRecord, JobWindow } from '../src/core/index.js';
import * as meter from '../src/meter/index.js';
import { createExecutor, localQueue, systemClock, type MeasureJob } from '../src/schedule/index.js';
import { openStore, type Store } from '../src/store/index.js';

let dir: string;
let store: Store;
let seq = 0;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'greenml-exec-'));
  store = await openStore(join(dir, 'greenml.db'));
});
afterEach(async () => {
  await store.close();
});

/**
 * Busy for 100 ms of its own CPU time, then counts one more in the file, until it has counted to n.
 * CPU time, not wall time: on a loaded machine a wall-clock busy loop gets descheduled and does less
 * work, so two runs of it would not burn the same CPU (CI saw a ratio of 0.55).
 */
const COUNTER = `import { writeFileSync } from 'node:fs';
const [file, n] = process.argv.slice(2);
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
let count = 0;
while (count < Number(n)) {
  const until = cpuMs() + 100;
  while (cpuMs() < until) {}
  count++;
  writeFileSync(file, String(count));
}`;

const measure: MeasureJob = (job, segment, events) =>
  measureCommand(
    {
      command: segment.command,
      cwd: dir,
      project: job.project,
      country: 'FR',
      intervalS: 0.2,
      flushEveryS: 0.5,
      guard: null,
      jobId: job.id,
      host: hostname(),
      pid: process.pid,
      env: process.env,
      processGroup: true,
      forwardSignals: [],
    },
    { store, meter, now: Date.now, newRunId: () => `run-${++seq}-${Date.now()}`, events },
  );

/** A flat 100 g/kWh series with 50 g/kWh in the planned windows, one point a second. */
function series(fromMs: number, toMs: number, windows: readonly JobWindow[]): IntensityPoint[] {
  const out: IntensityPoint[] = [];
  for (let t = Math.floor(fromMs / 1000) * 1000; t < toMs; t += 1000) out.push({ t, durationS: 1, intensityGPerKwh: windows.some((w) => t >= w.startMs && t < w.endMs) ? 50 : 100 });
  return out;
}

function job(command: string[], windows: JobWindow[], over: Partial<JobRecord> = {}, spec: Partial<JobRecord['spec']> = {}): JobRecord {
  const now = Date.now();
  const first = windows[0] as JobWindow;
  const durationS = windows.reduce((a, w) => a + (w.endMs - w.startMs), 0) / 1000;
  const plan: ScheduledPlan = {
    version: 1,
    region: 'FR',
    windows,
    expectedG: 50,
    immediateG: 100,
    savingG: 50,
    forecastSource: 'test series',
    strategy: windows.length > 1 ? 'interruptible' : 'contiguous',
    zone: 'FR',
    plannedAtMs: now,
    forecast: { method: 'known-values', source: 'test series', signal: 'average' },
    energy: { kwh: null, basis: 'unknown', detail: 'test' },
    perKwh: true,
    expectedGPerKwh: 50,
    immediateGPerKwh: 100,
    savingRatio: 0.5,
    minSavingRatio: 0,
    immediate: { startMs: now, endMs: now + durationS * 1000, region: 'FR' },
    alternatives: [],
    searchedUntilMs: now + 60_000,
    notes: [],
  };
  return {
    id: `job-${++seq}`,
    project: 'sched',
    name: null,
    command,
    cwd: dir,
    env: {},
    spec: { durationS, earliestStartMs: now, deadlineMs: now + 600_000, regions: ['FR'], interruptible: windows.length > 1, minChunkS: 0, maxPauses: windows.length - 1, ...spec },
    plan,
    labels: {},
    state: 'pending',
    dueAtMs: first.startMs,
    runId: null,
    agentId: null,
    leaseUntilMs: null,
    attempts: 0,
    error: null,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    endedAt: null,
    ...over,
  };
}

async function claimAndRun(record: JobRecord, opts: { intensity?: IntensityPoint[]; during?: () => Promise<void>; measure?: MeasureJob } = {}) {
  const queue = localQueue(store);
  await queue.enqueue(record);
  const claimed = await queue.claim({ nowMs: Math.max(Date.now(), record.dueAtMs), agentId: 'agent-a', leaseMs: 10_000, labels: {}, jobId: record.id });
  expect(claimed?.state).toBe('running');
  const execute = createExecutor({
    store,
    queue,
    clock: systemClock,
    agentId: 'agent-a',
    measure: opts.measure ?? measure,
    checkEveryMs: 100,
    stopGraceMs: 1000,
    ...(opts.intensity ? { intensityFor: async () => async () => ({ zone: 'FR', signal: 'average' as const, kind: 'actual' as const, source: 'test series', points: opts.intensity as IntensityPoint[] }) } : {}),
  });
  const [result] = await Promise.all([execute(claimed as JobRecord), opts.during?.()]);
  return result;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const count = (file: string): number => (existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0);

describe('executor: a planned pause', () => {
  it('stops the whole child in place and leaves the paused time out of the run', async () => {
    const script = join(dir, 'counter.mjs');
    writeFileSync(script, COUNTER);
    const steps = 20;

    const plainFile = join(dir, 'plain.txt');
    const t0 = Date.now();
    const plain = await claimAndRun(job([process.execPath, script, plainFile, String(steps)], [{ startMs: t0, endMs: t0 + 20_000 }]));
    const plainRun = await store.getRun(plain.runIds[0] as string);

    const pausedFile = join(dir, 'paused.txt');
    const t1 = Date.now();
    // 2 s of CPU work does not fit the first 1.5 s window; the pause is 2 s long, so the checks inside
    // it have 700 ms for the stop and the hold to land, even on a loaded machine.
    const windows = [
      { startMs: t1, endMs: t1 + 1500 },
      { startMs: t1 + 3500, endMs: t1 + 20_000 },
    ];
    const seen: { atPauseStart: number; atPauseEnd: number; state: string | undefined; dueAtMs: number | undefined } = { atPauseStart: -1, atPauseEnd: -1, state: undefined, dueAtMs: undefined };
    const paused = await claimAndRun(job([process.execPath, script, pausedFile, String(steps)], windows), {
      during: async () => {
        await sleep(t1 + 2200 - Date.now());
        seen.atPauseStart = count(pausedFile);
        const j = (await store.listJobs({})).jobs.find((x) => x.state === 'paused');
        seen.state = j?.state;
        seen.dueAtMs = j?.dueAtMs;
        await sleep(t1 + 3300 - Date.now());
        seen.atPauseEnd = count(pausedFile);
      },
    });
    const pausedRun = await store.getRun(paused.runIds[0] as string);

    expect(plain.state).toBe('succeeded');
    expect(paused.state).toBe('succeeded');
    expect(count(plainFile)).toBe(steps);
    expect(count(pausedFile)).toBe(steps);
    // Stopped in place: no progress between 700 ms and 1800 ms into the pause.
    expect(seen.atPauseStart).toBeGreaterThan(0);
    expect(seen.atPauseStart).toBeLessThan(steps);
    expect(seen.atPauseEnd).toBe(seen.atPauseStart);
    expect(seen.state).toBe('paused');
    expect(seen.dueAtMs).toBe(t1 + 3500);

    const a = plainRun as NonNullable<typeof plainRun>;
    const b = pausedRun as NonNullable<typeof pausedRun>;
    expect(b.jobId).toBe(paused.jobId);
    // The paused run's duration leaves out the 2 s pause: wall time minus duration is the pause.
    // (Not compared with the plain run's duration: CPU work takes longer on a loaded machine.)
    const wallB = ((b.endedAt as number) - b.startedAt) / 1000;
    expect(wallB - b.durationS).toBeGreaterThan(1.8);
    expect(wallB - b.durationS).toBeLessThan(2.5);
    const samples = await store.listSamples(b.id);
    const sampled = samples.reduce((s, x) => s + x.dtS, 0);
    expect(Math.abs(sampled - b.durationS)).toBeLessThan(0.3);
    // Same work, same CPU energy: the pause was charged to no one (idle power included). Memory draws
    // for the time the run is measured, which load can stretch, so it is compared per measured second.
    expect(b.cpuKwh / a.cpuKwh).toBeGreaterThan(0.7);
    expect(b.cpuKwh / a.cpuKwh).toBeLessThan(1.4);
    const memoryPerS = (r: typeof a): number => r.memoryKwh / r.durationS;
    expect(memoryPerS(b) / memoryPerS(a)).toBeGreaterThan(0.7);
    expect(memoryPerS(b) / memoryPerS(a)).toBeLessThan(1.4);
    const plan = scheduledPlanOf((await store.getJob(paused.jobId)) as JobRecord);
    expect(plan?.progress?.runIds).toEqual([b.id]);
    expect(b.tags['greenml.job']).toBe(paused.jobId);
  });
});

describe('executor: segments, cancellation, late starts', () => {
  it('with a resume command, stops the job at its window end and runs the resume command in the next window, one run per segment', async () => {
    // A shell, not node: its TERM trap is set within a millisecond of the start, where node's
    // handler could come after the window's end on a loaded machine (CI saw it) and the job died
    // without its checkpoint.
    const first = ['sh', '-c', `trap 'printf saved > "$0"; exit 0' TERM; while :; do sleep 0.05; done`, join(dir, 'checkpoint')];
    const t0 = Date.now();
    // Windows of seconds: the shell must start inside the first, and its checkpoint and hand-back
    // must land before the second opens.
    const windows = [
      { startMs: t0, endMs: t0 + 1500 },
      { startMs: t0 + 3500, endMs: t0 + 8000 },
    ];
    const record = job(first, windows, {}, { resumeCommand: [process.execPath, '-e', `require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'resumed'))}, require('node:fs').readFileSync(${JSON.stringify(join(dir, 'checkpoint'))}))`] });
    const one = await claimAndRun(record, { intensity: series(t0 - 5000, t0 + 60_000, windows) });
    expect(one.state).toBe('paused');
    const handedBack = (await store.getJob(record.id)) as JobRecord;
    expect(handedBack).toMatchObject({ state: 'paused', agentId: null, dueAtMs: t0 + 3500 });
    expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).toBe('saved');

    const queue = localQueue(store);
    expect(await queue.claim({ nowMs: Date.now(), agentId: 'agent-b', leaseMs: 10_000, labels: {} })).toBeNull();
    await sleep(t0 + 3550 - Date.now());
    const again = await queue.claim({ nowMs: Date.now(), agentId: 'agent-b', leaseMs: 10_000, labels: {} });
    expect(again?.id).toBe(record.id);
    const execute = createExecutor({
      store,
      queue,
      clock: systemClock,
      agentId: 'agent-b',
      measure,
      checkEveryMs: 100,
      intensityFor: async () => async () => ({ zone: 'FR', signal: 'average', kind: 'actual', source: 'test series', points: series(t0 - 5000, t0 + 60_000, windows) }),
    });
    const two = await execute(again as JobRecord);
    expect(two.state).toBe('succeeded');
    expect(readFileSync(join(dir, 'resumed'), 'utf8')).toBe('saved');
    const done = (await store.getJob(record.id)) as JobRecord;
    const plan = scheduledPlanOf(done);
    expect(plan?.progress?.runIds).toHaveLength(2);
    const runs = await Promise.all((plan?.progress?.runIds ?? []).map((id) => store.getRun(id)));
    expect(runs.map((r) => r?.jobId)).toEqual([record.id, record.id]);
    expect(runs.map((r) => r?.command[0])).toEqual(['sh', process.execPath]);
    expect(plan?.outcome?.runIds).toEqual(plan?.progress?.runIds);
    expect(plan?.outcome?.method).toBe('repriced-series');
    expect(plan?.outcome?.energyKwh).toBeCloseTo((runs[0]?.energyKwh ?? 0) + (runs[1]?.energyKwh ?? 0), 12);
    expect(done.runId).toBe(runs[1]?.id);
  });

  it('stops a job cancelled while it runs (SIGTERM to its group) and keeps it cancelled', async () => {
    const t0 = Date.now();
    const record = job([process.execPath, '-e', 'setTimeout(() => {}, 30000)'], [{ startMs: t0, endMs: t0 + 30_000 }]);
    const started = Date.now();
    const result = await claimAndRun(record, {
      during: async () => {
        await sleep(600);
        await localQueue(store).cancel(record.id, Date.now());
      },
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.state).toBe('cancelled');
    const done = (await store.getJob(record.id)) as JobRecord;
    expect(done.state).toBe('cancelled');
    expect(done.runId).toBe(result.runIds[0]);
    const run = await store.getRun(result.runIds[0] as string);
    expect(run?.signal).toBe('SIGTERM');
  });

  it('stops a job cancelled before its child exists, as the child appears', async () => {
    const t0 = Date.now();
    const record = job([process.execPath, '-e', 'setTimeout(() => {}, 30000)'], [{ startMs: t0, endMs: t0 + 30_000 }]);
    // The meter starts slowly (a loaded machine): the cancel is seen before there is a pid to signal.
    const slowStart: MeasureJob = async (j, segment, events) => {
      await sleep(1000);
      return measure(j, segment, events);
    };
    const started = Date.now();
    const result = await claimAndRun(record, {
      measure: slowStart,
      during: async () => {
        await sleep(100);
        await localQueue(store).cancel(record.id, Date.now());
      },
    });
    expect(Date.now() - started).toBeLessThan(6000);
    expect(result.state).toBe('cancelled');
    const run = await store.getRun(result.runIds[0] as string);
    expect(run?.signal).toBe('SIGTERM');
  });

  it('runs a job whose window passed at once when its deadline allows, and marks it missed when not', async () => {
    const now = Date.now();
    const past = [{ startMs: now - 600_000, endMs: now - 599_000 }];
    const ok = await claimAndRun(job([process.execPath, '-e', ''], past, {}, { deadlineMs: now + 60_000 }));
    expect(ok.state).toBe('succeeded');
    expect(ok.runIds).toHaveLength(1);
    const notes = scheduledPlanOf((await store.getJob(ok.jobId)) as JobRecord)?.progress?.notes.join(' ');
    expect(notes).toMatch(/Started late/);

    const late = await claimAndRun(job([process.execPath, '-e', ''], past, {}, { deadlineMs: now - 1000 }));
    expect(late.state).toBe('missed');
    expect(late.runIds).toHaveLength(0);
    const missed = (await store.getJob(late.jobId)) as JobRecord;
    expect(missed.error).toMatch(/passed while no agent ran/);
    expect((await store.listRuns({})).runs.filter((r) => r.jobId === late.jobId)).toHaveLength(0);
  });
});
