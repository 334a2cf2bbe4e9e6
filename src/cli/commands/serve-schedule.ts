/**
 * The scheduler `greenml serve` plugs into the server (POST /api/v1/schedule): jobs planned as
 * `greenml schedule` plans them (planJob over the source --source names, built by the same
 * job-runtime helpers) and queued in the store, where agents claim them. Loaded only when serving.
 */
import { planJob, type SourceRef } from '../../app/index.js';
import { GreenmlError, type JobRecord } from '../../core/index.js';
import type { ScheduleFn, ScheduleInput } from '../../server/index.js';
import type { Store } from '../../store/index.js';
import { buildSources, newJobId, sourceRefFromFlags, type SourceFlags, type Sources } from './job-runtime.js';

/** The zone a plain --file path would be read for: a server plans for many regions, so none. */
const NO_HOME_ZONE = 'unknown';

/**
 * The intensity source scheduled jobs are planned on, built once from the --source flags as
 * `greenml schedule` builds it. A server plans for any region, so each --file names its zone.
 */
export async function scheduleSources(flags: SourceFlags, store: Store, where: { env: Record<string, string | undefined>; cwd: string; nowMs: () => number }): Promise<{ ref: SourceRef; sources: Sources }> {
  const ref = sourceRefFromFlags(flags, NO_HOME_ZONE, where);
  const plain = (ref.files ?? []).find((f) => f.zone === NO_HOME_ZONE);
  if (plain) {
    throw new GreenmlError('INVALID_INPUT', `--file ${plain.path}: name the zone the file is for, e.g. --file DE=${plain.path}. A server plans jobs for any region, so a file without a zone would answer for all of them.`);
  }
  return { ref, sources: await buildSources(ref, store, where) };
}

/**
 * POST /api/v1/schedule: the request as planJob takes it, planned on `sources`, queued in the
 * store (the local queue: agents claim from the store's job table). Nothing is stored when
 * planning fails (a deadline too early, an unknown region).
 */
export function serveScheduler(planned: { ref: SourceRef; sources: Sources }): ScheduleFn {
  return async (input: ScheduleInput, { store, nowMs }): Promise<JobRecord> => {
    const { job } = await planJob(
      {
        command: input.command,
        ...(input.cwd !== null ? { cwd: input.cwd } : {}),
        project: input.project,
        ...(input.name !== null ? { name: input.name } : {}),
        durationS: input.durationS,
        notBeforeMs: input.earliestStartMs,
        deadlineMs: input.deadlineMs,
        regions: input.regions,
        interruptible: input.interruptible,
        // planJob refuses pause settings on a job that runs in one piece.
        ...(input.interruptible && input.minChunkS !== undefined ? { minChunkS: input.minChunkS } : {}),
        ...(input.interruptible && input.maxPauses !== undefined ? { maxPauses: input.maxPauses } : {}),
        ...(input.resumeCommand ? { resumeCommand: input.resumeCommand } : {}),
        ...(input.onLost ? { onLost: input.onLost } : {}),
        ...(input.energyKwh !== undefined ? { energyKwh: input.energyKwh } : {}),
        ...(input.minSavingRatio !== undefined ? { minSavingRatio: input.minSavingRatio } : {}),
        env: input.env,
        labels: input.labels,
        sourceRef: planned.ref,
      },
      { nowMs, source: planned.sources.source, stored: planned.sources.stored, getRun: (id) => store.getRun(id), newJobId },
    );
    const { localQueue } = await import('../../schedule/index.js');
    await localQueue(store).enqueue(job);
    return job;
  };
}
