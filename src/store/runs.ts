/** Run and project queries: create, patch, look up, list with keyset pages, totals. */
import { sql, type ExpressionBuilder, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { GreenmlError, RUN_STATUSES, type ProjectSummary, type RunRecord, type RunStatus } from '../core/index.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { count, ensureProject, findByIdOrPrefix, notFound, type Db, type Engine } from './query-kit.js';
import { rowToRun, runToRow } from './rows.js';
import type { DB, RunsTable } from './schema.js';
import type { RunFilter, RunPage, RunPatch, RunQuery, RunSort, RunTotals } from './store.js';
import { invalid, pageLimit, projectName, validateParams, validateRun, validateRunFilter, validateRunQuery } from './validate.js';

/** Sort expressions; costUsd's must match the runs_cost_idx expression (migration 0001). */
const SORT_SQL: Record<RunSort, RawBuilder<number>> = {
  startedAt: sql<number>`started_at`,
  energyKwh: sql<number>`energy_kwh`,
  totalG: sql<number>`total_g`,
  costUsd: sql<number>`coalesce(cost_usd, -1)`,
  durationS: sql<number>`duration_s`,
};
const sortValue = (r: RunRecord, sort: RunSort): number => (sort === 'costUsd' ? (r.costUsd ?? -1) : r[sort]);

export async function createRun(db: Db, run: RunRecord): Promise<void> {
  validateRun(run);
  await db.transaction().execute(async (trx) => {
    await ensureProject(trx, run.project, Date.now());
    const res = await trx
      .insertInto('runs')
      .values(runToRow(run))
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (count(res.numInsertedOrUpdatedRows) === 0) {
      throw new GreenmlError('CONFLICT', `A run with id "${run.id}" exists already. Use a new id, or updateRun to change it.`, {
        details: { id: run.id },
      });
    }
  });
}

const RUN_KEYS: readonly (keyof RunRecord)[] = [
  'project', 'name', 'command', 'cwd', 'host', 'pid', 'status', 'exitCode', 'signal', 'statusReason', 'startedAt',
  'endedAt', 'heartbeatAt', 'location', 'instance', 'durationS', 'cpuKwh', 'gpuKwh', 'memoryKwh', 'energyKwh',
  'operationalG', 'embodiedG', 'totalG', 'costUsd', 'intensityGPerKwh', 'footprint', 'tags', 'params', 'jobId',
];

async function lockRun(db: Db, engine: Engine, id: string): Promise<RunsTable | undefined> {
  return db
    .selectFrom('runs')
    .selectAll()
    .where('id', '=', id)
    .$if(engine.rowLocks, (q) => q.forUpdate())
    .executeTakeFirst();
}

export async function updateRun(db: Db, engine: Engine, id: string, patch: RunPatch): Promise<RunRecord> {
  if (typeof patch !== 'object' || patch === null) invalid('patch', 'an object', patch);
  const given = patch as Partial<RunRecord>;
  if (given.id !== undefined && given.id !== id) invalid('patch.id', `absent or "${id}" (a run's id never changes)`, given.id);
  return db.transaction().execute(async (trx) => {
    const row = await lockRun(trx, engine, id);
    if (!row) throw notFound('run', id);
    const merged: RunRecord = rowToRun(row);
    const target = merged as unknown as Record<string, unknown>;
    for (const k of RUN_KEYS) if (given[k] !== undefined) target[k] = given[k];
    validateRun(merged);
    if (merged.project !== row.project) await ensureProject(trx, merged.project, Date.now());
    const { id: _id, ...values } = runToRow(merged);
    await trx.updateTable('runs').set(values).where('id', '=', id).execute();
    return merged;
  });
}

export async function setParams(db: Db, engine: Engine, id: string, params: RunRecord['params']): Promise<RunRecord['params']> {
  validateParams(params);
  return db.transaction().execute(async (trx) => {
    const row = await lockRun(trx, engine, id);
    if (!row) throw notFound('run', id);
    const merged = { ...(JSON.parse(row.params) as RunRecord['params']), ...params };
    await trx.updateTable('runs').set({ params: JSON.stringify(merged) }).where('id', '=', id).execute();
    return merged;
  });
}

export async function getRun(db: Db, idOrPrefix: string): Promise<RunRecord | null> {
  const row = await findByIdOrPrefix<RunsTable>(db, 'runs', idOrPrefix, 'run');
  return row ? rowToRun(row) : null;
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (m) => `\\${m}`);

function filterExpr(f: RunFilter): (eb: ExpressionBuilder<DB, 'runs'>) => Expression<SqlBool> {
  return (eb) => {
    const conds: Expression<SqlBool>[] = [];
    if (f.project !== undefined) conds.push(eb('project', '=', f.project));
    if (f.status !== undefined) conds.push(eb('status', 'in', Array.isArray(f.status) ? f.status : [f.status]));
    if (f.since !== undefined) conds.push(eb('started_at', '>=', f.since));
    if (f.until !== undefined) conds.push(eb('started_at', '<', f.until));
    for (const term of (f.search ?? '').toLowerCase().split(/\s+/).filter(Boolean)) {
      conds.push(sql<SqlBool>`search_text like ${`%${escapeLike(term)}%`} escape '\\'`);
    }
    return eb.and(conds);
  };
}

export async function listRuns(db: Db, q: RunQuery): Promise<RunPage> {
  validateRunQuery(q);
  const sort = q.sort ?? 'startedAt';
  const order = q.order ?? 'desc';
  const limit = pageLimit(q.limit, 50);
  const scope = `runs:${sort}:${order}`;
  const key = q.cursor ? decodeCursor(q.cursor, scope) : null;
  const expr = SORT_SQL[sort];
  const cmp = order === 'desc' ? '<' : '>';
  const rows = await db
    .selectFrom('runs')
    .selectAll()
    .where(filterExpr(q))
    .$if(key !== null, (qb) =>
      qb.where((eb) => {
        const k = key as { v: number; id: string };
        // The first condition lets the (sort, id) index bound the scan; the second breaks ties by id.
        return eb.and([eb(expr, order === 'desc' ? '<=' : '>=', k.v), eb.or([eb(expr, cmp, k.v), eb('id', cmp, k.id)])]);
      }),
    )
    .orderBy(expr, order)
    .orderBy('id', order)
    .limit(limit + 1)
    .execute();
  const runs = rows.slice(0, limit).map(rowToRun);
  const last = runs.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor(scope, { v: sortValue(last, sort), id: last.id }) : null;
  return { runs, nextCursor };
}

export async function deleteRun(db: Db, id: string): Promise<boolean> {
  const res = await db.deleteFrom('runs').where('id', '=', id).executeTakeFirst();
  return count(res.numDeletedRows) > 0;
}

export async function countRuns(db: Db, filter: RunFilter): Promise<number> {
  validateRunFilter(filter);
  const row = await db
    .selectFrom('runs')
    .select((eb) => eb.fn.countAll().as('n'))
    .where(filterExpr(filter))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function runTotals(db: Db, filter: RunFilter): Promise<RunTotals> {
  validateRunFilter(filter);
  const sum = (col: keyof RunsTable) => sql<number>`coalesce(sum(${sql.ref(col)}), 0)`;
  const t = await db
    .selectFrom('runs')
    .select((eb) => [
      eb.fn.countAll().as('runs'),
      sum('duration_s').as('durationS'),
      sum('cpu_kwh').as('cpuKwh'),
      sum('gpu_kwh').as('gpuKwh'),
      sum('memory_kwh').as('memoryKwh'),
      sum('energy_kwh').as('energyKwh'),
      sum('operational_g').as('operationalG'),
      sum('embodied_g').as('embodiedG'),
      sum('total_g').as('totalG'),
      sql<number | null>`sum(cost_usd)`.as('costUsd'),
    ])
    .where(filterExpr(filter))
    .executeTakeFirstOrThrow();
  const groups = await db
    .selectFrom('runs')
    .select((eb) => ['status', eb.fn.countAll().as('n')])
    .where(filterExpr(filter))
    .groupBy('status')
    .execute();
  const byStatus = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>;
  for (const g of groups) byStatus[g.status as RunStatus] = Number(g.n);
  return {
    runs: Number(t.runs),
    byStatus,
    durationS: Number(t.durationS),
    cpuKwh: Number(t.cpuKwh),
    gpuKwh: Number(t.gpuKwh),
    memoryKwh: Number(t.memoryKwh),
    energyKwh: Number(t.energyKwh),
    operationalG: Number(t.operationalG),
    embodiedG: Number(t.embodiedG),
    totalG: Number(t.totalG),
    costUsd: t.costUsd === null ? null : Number(t.costUsd),
  };
}

export async function ensureProjectNamed(db: Db, name: string): Promise<void> {
  projectName(name);
  await ensureProject(db, name, Date.now());
}

export async function listProjects(db: Db): Promise<ProjectSummary[]> {
  const rows = await db
    .selectFrom('projects as p')
    .leftJoin('runs as r', 'r.project', 'p.name')
    .select((eb) => [
      'p.name as name',
      eb.fn.count('r.id').as('runs'),
      sql<number>`coalesce(sum(r.energy_kwh), 0)`.as('energyKwh'),
      sql<number>`coalesce(sum(r.total_g), 0)`.as('totalG'),
      sql<number | null>`sum(r.cost_usd)`.as('costUsd'),
      sql<number | null>`max(r.started_at)`.as('lastRunAt'),
    ])
    .groupBy('p.name')
    .execute();
  // Sorted here, not in SQL: PostgreSQL's collation would order names differently from SQLite's bytes.
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return rows.map((r) => ({
    name: r.name,
    runs: Number(r.runs),
    energyKwh: Number(r.energyKwh),
    totalG: Number(r.totalG),
    costUsd: r.costUsd === null ? null : Number(r.costUsd),
    lastRunAt: r.lastRunAt === null ? null : Number(r.lastRunAt),
  }));
}
