/**
 * Scheduled jobs: compare-and-set updates and an exactly-once claim. On PostgreSQL a claim locks
 * the chosen row with FOR UPDATE SKIP LOCKED so concurrent agents pass over each other; on SQLite
 * every write transaction is BEGIN IMMEDIATE (sqlite.ts), which serialises claimers across processes.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import { GreenmlError, JOB_STATES, type JobRecord, type JobState } from '../core/index.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { count, ensureProject, findByIdOrPrefix, notFound, type Db, type Engine } from './query-kit.js';
import { jobToRow, rowToJob } from './rows.js';
import type { JobsTable } from './schema.js';
import type { ClaimRequest, JobPage, JobPatch, JobQuery, UpdateJobOptions } from './store.js';
import { id, int, invalid, pageLimit, projectName, text, validateJob } from './validate.js';

async function writeLabels(db: Db, jobId: string, labels: Record<string, string>, replace: boolean): Promise<void> {
  if (replace) await db.deleteFrom('job_labels').where('job_id', '=', jobId).execute();
  const rows = Object.entries(labels).map(([key, value]) => ({ job_id: jobId, key, value }));
  if (rows.length > 0) await db.insertInto('job_labels').values(rows).execute();
}

export async function createJob(db: Db, job: JobRecord): Promise<void> {
  validateJob(job);
  await db.transaction().execute(async (trx) => {
    await ensureProject(trx, job.project, job.createdAt);
    const res = await trx
      .insertInto('jobs')
      .values(jobToRow(job))
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (count(res.numInsertedOrUpdatedRows) === 0) {
      throw new GreenmlError('CONFLICT', `A job with id "${job.id}" exists already. Use a new id, or updateJob to change it.`, {
        details: { id: job.id },
      });
    }
    await writeLabels(trx, job.id, job.labels, false);
  });
}

export async function importJob(db: Db, job: JobRecord): Promise<void> {
  validateJob(job);
  const { id: _id, ...values } = jobToRow(job);
  await db.transaction().execute(async (trx) => {
    await ensureProject(trx, job.project, job.createdAt);
    await trx
      .insertInto('jobs')
      .values(jobToRow(job))
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
    await writeLabels(trx, job.id, job.labels, true);
  });
}

export async function getJob(db: Db, idOrPrefix: string): Promise<JobRecord | null> {
  const row = await findByIdOrPrefix<JobsTable>(db, 'jobs', idOrPrefix, 'job');
  return row ? rowToJob(row) : null;
}

const states = (s: JobState | JobState[], field: string): JobState[] => {
  const list = Array.isArray(s) ? s : [s];
  list.forEach((x, i) => {
    if (!(JOB_STATES as readonly string[]).includes(x)) invalid(`${field}[${i}]`, `one of ${JOB_STATES.join(', ')}`, x);
  });
  return list;
};

export async function listJobs(db: Db, q: JobQuery): Promise<JobPage> {
  const limit = pageLimit(q.limit, 100);
  const wanted = q.state === undefined ? null : states(q.state, 'state');
  if (q.project !== undefined) projectName(q.project);
  const key = q.cursor ? decodeCursor(q.cursor, 'jobs') : null;
  const rows = await db
    .selectFrom('jobs')
    .selectAll()
    .$if(wanted !== null, (qb) => qb.where('state', 'in', wanted as JobState[]))
    .$if(q.project !== undefined, (qb) => qb.where('project', '=', q.project as string))
    .$if(key !== null, (qb) =>
      qb.where((eb) => {
        const k = key as { v: number; id: string };
        return eb.and([eb('created_at', '<=', k.v), eb.or([eb('created_at', '<', k.v), eb('id', '<', k.id)])]);
      }),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const jobs = rows.slice(0, limit).map(rowToJob);
  const last = jobs.at(-1);
  return { jobs, nextCursor: rows.length > limit && last ? encodeCursor('jobs', { v: last.createdAt, id: last.id }) : null };
}

const JOB_KEYS: readonly (keyof JobRecord)[] = [
  'project', 'name', 'command', 'cwd', 'env', 'spec', 'plan', 'labels', 'state', 'dueAtMs', 'runId', 'agentId',
  'leaseUntilMs', 'attempts', 'error', 'createdAt', 'updatedAt', 'startedAt', 'endedAt',
];

export async function updateJob(db: Db, engine: Engine, jobId: string, patch: JobPatch, options: UpdateJobOptions): Promise<boolean> {
  id(jobId, 'id');
  if (typeof patch !== 'object' || patch === null) invalid('patch', 'an object', patch);
  const given = patch as Partial<JobRecord>;
  if (given.id !== undefined && given.id !== jobId) invalid('patch.id', `absent or "${jobId}" (a job's id never changes)`, given.id);
  const expected = options.expectState === undefined ? null : states(options.expectState, 'expectState');
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', jobId)
      .$if(engine.rowLocks, (qb) => qb.forUpdate())
      .executeTakeFirst();
    if (!row) throw notFound('job', jobId);
    if (expected !== null && !expected.includes(row.state as JobState)) return false;
    const merged = rowToJob(row);
    const target = merged as unknown as Record<string, unknown>;
    for (const k of JOB_KEYS) if (given[k] !== undefined) target[k] = given[k];
    if (given.updatedAt === undefined) merged.updatedAt = Date.now();
    validateJob(merged);
    if (merged.project !== row.project) await ensureProject(trx, merged.project, merged.updatedAt);
    const { id: _id, ...values } = jobToRow(merged);
    // The state guard repeats the check inside the write, so no interleaving can slip past it.
    const res = await trx.updateTable('jobs').set(values).where('id', '=', jobId).where('state', '=', row.state).executeTakeFirst();
    if (count(res.numUpdatedRows) === 0) return false;
    if (given.labels !== undefined) await writeLabels(trx, jobId, merged.labels, true);
    return true;
  });
}

export async function claimNextDueJob(db: Db, engine: Engine, req: ClaimRequest): Promise<JobRecord | null> {
  if (typeof req !== 'object' || req === null) invalid('request', 'an object', req);
  const nowMs = int(req.nowMs, 'nowMs');
  const agentId = id(req.agentId, 'agentId');
  if (int(req.leaseMs, 'leaseMs') <= 0) invalid('leaseMs', 'an integer > 0', req.leaseMs);
  const labels = req.labels === undefined ? null : Object.entries(req.labels);
  labels?.forEach(([k, v]) => text(v, `labels.${k}`));
  return db.transaction().execute(async (trx) => {
    const candidate = await trx
      .selectFrom('jobs as j')
      .select('j.id')
      .where('j.state', '=', 'pending')
      .where('j.due_at_ms', '<=', nowMs)
      .$if(labels !== null, (qb) =>
        // No label of the job may fall outside the agent's labels.
        qb.where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('job_labels as l')
                .select('l.job_id')
                .whereRef('l.job_id', '=', 'j.id')
                .where((eb) => {
                  const carried: Expression<SqlBool>[] = (labels ?? []).map(([k, v]) => eb.and([eb('l.key', '=', k), eb('l.value', '=', v)]));
                  return eb.not(eb.or(carried));
                }),
            ),
          ),
        ),
      )
      .orderBy('j.due_at_ms')
      .orderBy('j.created_at')
      .orderBy('j.id')
      .limit(1)
      .$if(engine.rowLocks, (qb) => qb.forUpdate().skipLocked())
      .executeTakeFirst();
    if (!candidate) return null;
    const res = await trx
      .updateTable('jobs')
      .set({
        state: 'running',
        agent_id: agentId,
        lease_until_ms: nowMs + req.leaseMs,
        attempts: sql<number>`attempts + 1`,
        started_at: sql<number>`coalesce(started_at, ${nowMs})`,
        updated_at: nowMs,
      })
      .where('id', '=', candidate.id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    if (count(res.numUpdatedRows) === 0) return null;
    const row = await trx.selectFrom('jobs').selectAll().where('id', '=', candidate.id).executeTakeFirstOrThrow();
    return rowToJob(row);
  });
}

export async function renewLease(db: Db, jobId: string, agentId: string, leaseUntilMs: number): Promise<boolean> {
  id(jobId, 'id');
  id(agentId, 'agentId');
  int(leaseUntilMs, 'leaseUntilMs');
  const res = await db
    .updateTable('jobs')
    .set({ lease_until_ms: leaseUntilMs })
    .where('id', '=', jobId)
    .where('agent_id', '=', agentId)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return count(res.numUpdatedRows) > 0;
}
