/**
 * Runs one claimed job through the measurement `greenml run` uses (the caller passes it in, with
 * the job id set and the child in its own process group), following the job's plan:
 *
 *   - a contiguous job runs once, to its end;
 *   - an interruptible job is stopped in place at the end of each planned window except the last
 *     (SIGSTOP to its process group, the measurement paused: no ticks, nothing charged) and
 *     continued at the next window's start (new baselines, then SIGCONT). One run covers the job;
 *     its duration and energy leave the paused time out. The agent keeps holding the job (state
 *     paused) and keeps the run's heartbeat, so neither is taken for lost;
 *   - an interruptible job with a resume command is stopped gracefully at the end of its window
 *     (SIGTERM to the group, SIGKILL after the grace period: time to write a checkpoint) and
 *     handed back, due at the next window's start, when any agent runs the resume command. Each
 *     segment is a run of its own, linked by jobId and listed in the plan's progress: each is a
 *     separate process tree with its own exit code, possibly on another machine, and a run never
 *     stays "running" through hours of pause. The job's outcome sums them.
 *
 * Boundaries are wall-clock: the plan's window ends. A job that outlasts its last window is not
 * stopped (the duration was an estimate; killing work is worse than a late finish).
 *
 * A job claimed more than lateGraceMs after it was due (its window passed while no agent ran) is
 * started at once, without pauses, when its remaining run time still fits before the deadline;
 * otherwise it is marked missed without running.
 *
 * While a job runs, the executor renews its hold every checkEveryMs; when the hold is refused the
 * job was cancelled (or taken for lost) and its process group gets SIGTERM (SIGCONT first when
 * stopped), then SIGKILL after the grace period. Draining (the agent's first SIGTERM/SIGINT)
 * lets a running job finish, following its plan, except a job with a resume command, which is
 * stopped gracefully and handed back due at once; stopping (the second signal) ends the job now.
 *
 * A job whose on-lost policy is retry (lost-jobs.ts) may be taken over by another agent once its
 * lease runs out, so it must never outlive its hold: when renewals have failed for half a lease
 * (the database is unreachable from here) the executor stops it, with a grace of at most a quarter
 * lease, and hands it back; and a guard process (orphan-guard.ts) stops its process group should
 * this agent die, since the job runs in a session of its own and would otherwise run on unseen.
 */
import { jobOutcome, scheduledPlanOf, type JobOutcome, type JobProgress, type MeasureControl, type MeasureEvents, type MeasureResult, type ScheduledPlan, type SeriesLookup } from '../app/index.js';
import type { JobRecord, JobState, JobWindow, RunRecord } from '../core/index.js';
import type { RunningChild } from '../meter/index.js';
import type { Store } from '../store/index.js';
import { sleepUntil, type Clock } from './clock.js';
import { lostPolicyOf, type LostJobPolicy } from './lost-jobs.js';
import type { JobQueue } from './queue.js';

export interface Segment {
  /** 0 for the first run of the job, one more for each resume. */
  index: number;
  command: string[];
  resumed: boolean;
}

/** Runs one segment of a job exactly as `greenml run` would, with jobId set (the CLI composes it). */
export type MeasureJob = (job: JobRecord, segment: Segment, events: MeasureEvents) => Promise<MeasureResult>;

export type ExecutorEvent =
  | { kind: 'started'; job: JobRecord; segment: Segment; late: boolean }
  | { kind: 'run'; job: JobRecord; run: RunRecord }
  | { kind: 'missed'; job: JobRecord; message: string }
  | { kind: 'paused'; job: JobRecord; untilMs: number; handedBack: boolean }
  | { kind: 'resumed'; job: JobRecord }
  | { kind: 'stopping'; job: JobRecord; reason: StopReason }
  | { kind: 'finished'; job: JobRecord; state: JobState; exitCode: number | null; outcome: JobOutcome | null; error: string | null }
  | { kind: 'warning'; job: JobRecord; message: string };

export type StopReason = 'cancelled' | 'agent-stopped' | 'lost';

export interface ExecutorOptions {
  store: Store;
  queue: JobQueue;
  clock: Clock;
  agentId: string;
  measure: MeasureJob;
  /** Intensity for a job's counterfactual (see app/schedule-outcome.ts); without it the plan's figures are used. */
  intensityFor?: (job: JobRecord) => Promise<SeriesLookup | undefined>;
  /** How long a hold lasts without renewal, ms (default 60 s). */
  leaseMs?: number;
  /** How often the hold is renewed and cancellation checked, ms (default 5 s). */
  checkEveryMs?: number;
  /** Between SIGTERM and SIGKILL, ms (default 10 s, as `greenml run --on-exceed stop`). */
  stopGraceMs?: number;
  /** A claim this much after dueAtMs is late (default 60 s: a few poll periods). */
  lateGraceMs?: number;
  /** Sends a signal to a process group (default process.kill(-pgid, signal)). */
  signalGroup?: (pgid: number, signal: NodeJS.Signals) => void;
  /** What becomes of a job whose agent is lost, unless the job says (spec.onLost); default fail. See the module comment for retry. */
  onLost?: LostJobPolicy;
  /** For retry-policy jobs: starts a process that stops the job's process group if this agent dies (orphan-guard.ts). */
  guardChild?: (pgid: number, graceMs: number) => { release(): void };
  onEvent?: (event: ExecutorEvent) => void;
}

export interface ExecuteSignals {
  /** Drain: finish the job (a resume-command job is handed back at once). */
  drain?: AbortSignal;
  /** Stop: end the job now. */
  stop?: AbortSignal;
}

export interface ExecuteResult {
  jobId: string;
  /** The job's state afterwards: paused when a resume-command job was handed back. */
  state: JobState | null;
  exitCode: number | null;
  runIds: string[];
  outcome: JobOutcome | null;
}

export type ExecuteJob = (job: JobRecord, signals?: ExecuteSignals) => Promise<ExecuteResult>;

export const DEFAULT_LEASE_MS = 60_000;
export const DEFAULT_CHECK_EVERY_MS = 5_000;
export const DEFAULT_STOP_GRACE_MS = 10_000;
export const DEFAULT_LATE_GRACE_MS = 60_000;

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function signalProcessGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (e) {
    // The group is gone already (ESRCH): nothing left to signal.
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const aborted = (signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

function windowsToFollow(job: JobRecord, plan: ScheduledPlan | null, remainingS: number): JobWindow[] {
  if (plan && plan.windows.length > 0) return plan.windows;
  return [{ startMs: job.dueAtMs, endMs: job.dueAtMs + remainingS * 1000 }];
}

export function createExecutor(o: ExecutorOptions): ExecuteJob {
  const leaseMs = o.leaseMs ?? DEFAULT_LEASE_MS;
  const checkMs = o.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS;
  const graceMs = o.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const lateMs = o.lateGraceMs ?? DEFAULT_LATE_GRACE_MS;
  const signalGroup = o.signalGroup ?? signalProcessGroup;
  const { clock, queue, store, agentId } = o;
  const emit = (e: ExecutorEvent): void => o.onEvent?.(e);

  return async (job, signals = {}) => {
    const plan = scheduledPlanOf(job);
    const startedMs = clock.now();
    const prior = plan?.progress;
    const progress: JobProgress = { runIds: [...(prior?.runIds ?? [])], activeS: prior?.activeS ?? 0, notes: [...(prior?.notes ?? [])] };
    const planWith = (extra: Partial<ScheduledPlan> = {}): ScheduledPlan | undefined => (plan ? { ...plan, progress: { ...progress }, ...extra } : undefined);
    const remainingS = Math.max(0, job.spec.durationS - progress.activeS);
    let follow = windowsToFollow(job, plan, remainingS).filter((w) => w.endMs > startedMs);
    const late = startedMs > job.dueAtMs + lateMs;
    if (late) {
      const finishMs = startedMs + remainingS * 1000;
      if (finishMs > job.spec.deadlineMs) {
        const text =
          `Missed: its window (due ${iso(job.dueAtMs)}) passed while no agent ran, and starting now (${iso(startedMs)}) it would finish at ${iso(finishMs)}, ` +
          `after its deadline ${iso(job.spec.deadlineMs)}. Schedule it again with a later deadline.`;
        const state = await queue.finish(job.id, agentId, { nowMs: clock.now(), state: 'missed', error: text, ...(plan ? { plan: planWith() } : {}) });
        emit({ kind: 'missed', job, message: text });
        return { jobId: job.id, state, exitCode: null, runIds: progress.runIds, outcome: null };
      }
      progress.notes.push(
        `Started late at ${iso(startedMs)} (due ${iso(job.dueAtMs)}, when no agent ran): it ran at once without pauses, to finish by about ${iso(finishMs)}, before its deadline ${iso(job.spec.deadlineMs)}.`,
      );
      follow = [];
    }

    const retryOnLost = lostPolicyOf(job, o.onLost ?? 'fail') === 'retry';
    // Dead by the time the lease runs out: stopped after half a lease without renewal, a quarter lease of grace.
    const fenceAfterMs = leaseMs / 2;
    const lostGraceMs = retryOnLost ? Math.min(graceMs, Math.max(100, Math.floor(leaseMs / 4))) : graceMs;
    let lastHeldMs = startedMs;
    let guard: { release(): void } | null = null;

    const index = progress.runIds.length;
    const resumeCommand = job.spec.interruptible ? job.spec.resumeCommand : undefined;
    const segment: Segment = { index, command: index > 0 && resumeCommand ? resumeCommand : job.command, resumed: index > 0 };
    emit({ kind: 'started', job, segment, late });

    let run: RunRecord | null = null;
    let child: RunningChild | null = null;
    let control: MeasureControl | null = null;
    let paused = false;
    let pausedUntil: number | null = null;
    let stopping: StopReason | null = null;
    let checkpointing = false;
    let finished = false;
    const stopped = deferred<'stopping'>();
    const doneCtl = new AbortController();

    // Holds are written one after another: two interleaved compare-and-sets (the watcher's renewal
    // and a pause) would make one of them fail for no reason.
    let holds: Promise<unknown> = Promise.resolve();
    const holdNow = (withPlan: boolean): Promise<boolean> => {
      const next = holds.then(() => {
        const nowMs = clock.now();
        const p = withPlan ? planWith() : undefined;
        return queue
          .hold(job.id, agentId, {
            nowMs,
            leaseUntilMs: nowMs + leaseMs,
            state: paused ? 'paused' : 'running',
            ...(paused && pausedUntil !== null ? { dueAtMs: pausedUntil } : {}),
            ...(p ? { plan: p } : {}),
            ...(run ? { runId: run.id } : {}),
          })
          .then((ok) => {
            if (ok) lastHeldMs = Math.max(lastHeldMs, nowMs);
            return ok;
          });
      });
      holds = next.catch(() => undefined);
      return next;
    };
    const holdQuietly = async (withPlan: boolean): Promise<void> => {
      try {
        await holdNow(withPlan);
      } catch (e) {
        emit({ kind: 'warning', job, message: `could not update the job: ${message(e)}` });
      }
    };

    const killLater = (pid: number, afterMs = graceMs): void => {
      void clock.sleep(afterMs, doneCtl.signal).then(() => {
        if (!finished) signalGroup(pid, 'SIGKILL');
      });
    };
    const terminate = (reason: StopReason): void => {
      if (stopping || finished) return;
      stopping = reason;
      emit({ kind: 'stopping', job, reason });
      stopped.resolve('stopping');
      // Without a child yet (cancelled while the meter starts), onChild signals it as it appears.
      const pid = child?.pid;
      if (pid !== undefined) signalStop(pid, reason);
    };
    const signalStop = (pid: number, reason: StopReason): void => {
      signalGroup(pid, 'SIGTERM');
      if (paused) {
        // A stopped process sees SIGTERM once continued; its last moments are measured again.
        control?.resume();
        paused = false;
        signalGroup(pid, 'SIGCONT');
      }
      killLater(pid, reason === 'lost' ? lostGraceMs : graceMs);
    };
    const stopAtCheckpoint = (): void => {
      const pid = child?.pid;
      if (pid === undefined || finished) return;
      checkpointing = true;
      signalGroup(pid, 'SIGTERM');
      killLater(pid);
    };

    const measured = o.measure(job, segment, {
      onStart: (r) => {
        run = r;
        progress.runIds.push(r.id);
        progress.host = r.host;
        emit({ kind: 'run', job, run: r });
        void holdQuietly(true);
      },
      onChild: (c) => {
        child = c;
        if (c.pid !== undefined) progress.childPid = c.pid;
        if (retryOnLost && c.pid !== undefined && o.guardChild) {
          try {
            guard = o.guardChild(c.pid, lostGraceMs);
          } catch (e) {
            emit({ kind: 'warning', job, message: `could not start the guard that stops the job if this agent dies: ${message(e)}` });
          }
        }
        if (stopping && c.pid !== undefined) signalStop(c.pid, stopping);
      },
      onSession: (c) => {
        control = c;
      },
      onWarning: (m) => emit({ kind: 'warning', job, message: m }),
    });
    const done = measured.then(
      (result) => ({ ok: true as const, result }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    void done.then(() => {
      finished = true;
      (guard as { release(): void } | null)?.release();
      doneCtl.abort();
    });
    const onStop = (): void => terminate('agent-stopped');
    if (signals.stop?.aborted) onStop();
    else signals.stop?.addEventListener('abort', onStop, { once: true });

    const watcher = (async () => {
      while (!finished) {
        await clock.sleep(checkMs, doneCtl.signal);
        if (finished) break;
        let ok = true;
        try {
          ok = await holdNow(false);
        } catch (e) {
          emit({ kind: 'warning', job, message: `could not renew the hold: ${message(e)}` });
        }
        if (!ok && !stopping && !finished) {
          const current = await store.getJob(job.id).catch(() => undefined);
          if (current === undefined) continue; // the store did not answer: try again at the next check
          if (current?.state === 'cancelled') terminate('cancelled');
          else if (!current || current.agentId !== agentId || (current.state !== 'running' && current.state !== 'paused')) terminate('lost');
        }
      }
    })();

    const fence = (async () => {
      if (!retryOnLost) return;
      while (!finished) {
        await clock.sleep(Math.min(checkMs, leaseMs / 8), doneCtl.signal);
        if (finished || stopping) break;
        if (clock.now() - lastHeldMs > fenceAfterMs) {
          emit({ kind: 'warning', job, message: `its hold could not be renewed for ${((clock.now() - lastHeldMs) / 1000).toFixed(1)} s: stopping it before its lease runs out, so another agent can retry it` });
          terminate('lost');
        }
      }
    })();

    type Wake = 'done' | 'time' | 'drain' | 'stopping';
    const waitUntil = async (atMs: number, drainMatters: boolean): Promise<Wake> => {
      const ctl = new AbortController();
      const racers: Promise<Wake>[] = [done.then(() => 'done' as const), stopped.promise, sleepUntil(clock, atMs, ctl.signal).then(() => 'time' as const)];
      if (drainMatters && signals.drain) racers.push(aborted(signals.drain).then(() => 'drain' as const));
      const wake = await Promise.race(racers);
      ctl.abort();
      return wake;
    };

    let handBackAtMs: number | null = null;
    for (let i = 0; i + 1 < follow.length; i++) {
      const w = follow[i] as JobWindow;
      const next = follow[i + 1] as JobWindow;
      const wake = await waitUntil(w.endMs, resumeCommand !== undefined);
      if (wake === 'done' || wake === 'stopping') break;
      if (resumeCommand !== undefined) {
        handBackAtMs = wake === 'drain' ? clock.now() : next.startMs;
        stopAtCheckpoint();
        break;
      }
      const pid = (child as RunningChild | null)?.pid;
      if (pid === undefined || finished) break;
      signalGroup(pid, 'SIGSTOP');
      paused = true;
      pausedUntil = next.startMs;
      await (control as MeasureControl | null)?.pause();
      await holdQuietly(true);
      emit({ kind: 'paused', job, untilMs: next.startMs, handedBack: false });
      const resumeWake = await waitUntil(next.startMs, false);
      if (resumeWake === 'stopping' || !paused) break;
      (control as MeasureControl | null)?.resume();
      signalGroup(pid, 'SIGCONT');
      paused = false;
      pausedUntil = null;
      await holdQuietly(true);
      emit({ kind: 'resumed', job });
      if (resumeWake === 'done') break;
    }
    if (resumeCommand !== undefined && handBackAtMs === null && !finished && !stopping) {
      // In the last window: a drain hands the job back due at once; otherwise it runs to its end.
      const wake = await waitUntil(Number.POSITIVE_INFINITY, true);
      if (wake === 'drain') {
        handBackAtMs = clock.now();
        stopAtCheckpoint();
      }
    }

    const final = await done;
    signals.stop?.removeEventListener('abort', onStop);
    await watcher;
    await fence;

    if (!final.ok) {
      const text = `The job could not be run: ${message(final.error)}`;
      const state = await queue.finish(job.id, agentId, { nowMs: clock.now(), state: 'failed', error: text, ...(plan ? { plan: planWith() } : {}) });
      emit({ kind: 'finished', job, state: state ?? 'failed', exitCode: null, outcome: null, error: text });
      return { jobId: job.id, state, exitCode: null, runIds: progress.runIds, outcome: null };
    }
    const result = final.result;
    progress.activeS += result.run.durationS;
    const runId = result.run.id;

    if ((stopping as StopReason | null) === 'lost' && retryOnLost) {
      // Stopped because the hold could not be kept: hand it back, due at once, unless a sweep already took it over.
      const nowMs = clock.now();
      const ok = await queue.requeue(job.id, agentId, { nowMs, dueAtMs: nowMs, ...(plan ? { plan: planWith() } : {}), runId }).catch(() => false);
      await annotateRun(store, result.run, job, plan, null, index).catch((e: unknown) => emit({ kind: 'warning', job, message: `could not annotate run ${runId}: ${message(e)}` }));
      if (ok) emit({ kind: 'paused', job, untilMs: nowMs, handedBack: true });
      return { jobId: job.id, state: ok ? 'paused' : null, exitCode: result.exitCode, runIds: progress.runIds, outcome: null };
    }

    if (handBackAtMs !== null && checkpointing && !stopping) {
      const ok = await queue.requeue(job.id, agentId, { nowMs: clock.now(), dueAtMs: handBackAtMs, ...(plan ? { plan: planWith() } : {}), runId });
      await annotateRun(store, result.run, job, plan, null, index).catch((e: unknown) => emit({ kind: 'warning', job, message: `could not annotate run ${runId}: ${message(e)}` }));
      emit({ kind: 'paused', job, untilMs: handBackAtMs, handedBack: true });
      return { jobId: job.id, state: ok ? 'paused' : null, exitCode: result.exitCode, runIds: progress.runIds, outcome: null };
    }

    let outcome: JobOutcome | null = null;
    if (plan) {
      try {
        const runs = await Promise.all(
          progress.runIds.map(async (id) => {
            const r = id === runId ? result.run : await store.getRun(id);
            if (!r) throw new Error(`run ${id} is gone`);
            return { run: r, samples: await store.listSamples(id) };
          }),
        );
        outcome = await jobOutcome(plan, runs, await o.intensityFor?.(job));
      } catch (e) {
        progress.notes.push(`The saving could not be computed: ${message(e)}`);
      }
    }
    const reason = stopping as StopReason | null;
    const succeeded = result.exitCode === 0 && reason === null;
    const error = succeeded
      ? null
      : reason === 'agent-stopped'
        ? `Stopped when agent ${agentId} shut down (run ${runId}).`
        : reason === 'lost'
          ? `Agent ${agentId} lost its hold on the job and stopped it (run ${runId}).`
          : reason === 'cancelled'
            ? `Cancelled while running; the agent stopped it (run ${runId}).`
            : `The command failed with exit code ${result.exitCode}${result.run.statusReason ? ` (${result.run.statusReason})` : ''} (run ${runId}).`;
    const state = await queue.finish(job.id, agentId, {
      nowMs: clock.now(),
      state: succeeded ? 'succeeded' : 'failed',
      error,
      ...(plan ? { plan: planWith(outcome ? { outcome } : {}) } : {}),
      runId,
    });
    await annotateRun(store, result.run, job, plan, outcome, index).catch((e: unknown) => emit({ kind: 'warning', job, message: `could not annotate run ${runId}: ${message(e)}` }));
    emit({ kind: 'finished', job, state: state ?? (succeeded ? 'succeeded' : 'failed'), exitCode: result.exitCode, outcome, error });
    return { jobId: job.id, state, exitCode: result.exitCode, runIds: progress.runIds, outcome };
  };
}

const g = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));

/** Links the run to its job in tags, and on the last run states the saving in the footprint's notes. */
async function annotateRun(store: Store, run: RunRecord, job: JobRecord, plan: ScheduledPlan | null, outcome: JobOutcome | null, segment: number): Promise<void> {
  const tags: Record<string, string> = { ...run.tags, 'greenml.job': job.id, 'greenml.segment': String(segment) };
  if (plan) tags['greenml.windows'] = plan.windows.map((w) => `${iso(w.startMs)}/${iso(w.endMs)}`).join(',');
  let footprint = run.footprint;
  if (plan && outcome) {
    tags['greenml.expected_g_per_kwh'] = g(plan.expectedGPerKwh);
    tags['greenml.immediate_g_per_kwh'] = g(plan.immediateGPerKwh);
    tags['greenml.actual_g'] = g(outcome.actualG);
    tags['greenml.immediate_g'] = g(outcome.immediateG);
    tags['greenml.saved_g'] = g(outcome.savedG);
    tags['greenml.counterfactual'] = outcome.method;
    const note =
      `Scheduled job ${job.id}: planned for ${plan.windows.map((w) => `${iso(w.startMs)}–${iso(w.endMs)}`).join(', ')} at ${g(plan.expectedGPerKwh)} g/kWh ` +
      `against ${g(plan.immediateGPerKwh)} g/kWh starting at once (${plan.forecast.method}: ${plan.forecast.source}). ` +
      `Measured ${outcome.energyKwh.toPrecision(3)} kWh emitted ${g(outcome.actualG)} g; starting at once it would have emitted ${g(outcome.immediateG)} g ` +
      `(${outcome.method === 'repriced-series' ? 'the measured energy profile re-priced at the immediate start' : "the plan's intensities applied to the measured energy"}): ` +
      `saved ${g(outcome.savedG)} g (${(outcome.savingRatio * 100).toFixed(1)} %).`;
    if (footprint) footprint = { ...footprint, notes: [...footprint.notes, note] };
  }
  await store.updateRun(run.id, { tags, ...(footprint ? { footprint } : {}) });
}
