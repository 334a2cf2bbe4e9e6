/** Samples, metrics and run bundles: batched, idempotent appends and ordered reads. */
import { sql } from 'kysely';
import type { MetricPoint, Sample } from '../core/index.js';
import { evenIndices } from './downsample.js';
import { chunks, count, ensureProject, lastByKey, notFound, type Db } from './query-kit.js';
import { metricToRow, rowToMetric, rowToSample, runToRow, sampleToRow } from './rows.js';
import type { MetricsTable, SamplesTable } from './schema.js';
import type { MetricQuery, RunBundle, SampleQuery } from './store.js';
import { id, int, invalid, text, validateBundle, validateMetrics, validateSamples } from './validate.js';
import { getRun } from './runs.js';

/** Most points a downsampled read returns (greenml's bound: each is a bound parameter of the query, well under SQLite's 32,766). */
export const MAX_POINTS = 10_000;

async function requireRun(db: Db, runId: string): Promise<void> {
  const row = await db.selectFrom('runs').select('id').where('id', '=', runId).executeTakeFirst();
  if (!row) throw notFound('run', runId);
}

export async function appendSamples(db: Db, runId: string, samples: Sample[]): Promise<number> {
  id(runId, 'runId');
  validateSamples(samples);
  return db.transaction().execute(async (trx) => {
    await requireRun(trx, runId);
    let added = 0;
    for (const part of chunks(samples.map((s) => sampleToRow(runId, s)))) {
      const res = await trx
        .insertInto('samples')
        .values(part)
        .onConflict((oc) => oc.columns(['run_id', 't']).doNothing())
        .executeTakeFirst();
      added += count(res.numInsertedOrUpdatedRows);
    }
    return added;
  });
}

export async function listSamples(db: Db, runId: string, q: SampleQuery): Promise<Sample[]> {
  id(runId, 'runId');
  if (q.fromT !== undefined) int(q.fromT, 'fromT');
  if (q.limit !== undefined && (int(q.limit, 'limit') < 1)) invalid('limit', 'an integer >= 1', q.limit);
  if (q.maxPoints !== undefined && (!Number.isSafeInteger(q.maxPoints) || q.maxPoints < 2 || q.maxPoints > MAX_POINTS)) {
    invalid('maxPoints', `an integer from 2 to ${MAX_POINTS}`, q.maxPoints);
  }
  const base = db
    .selectFrom('samples')
    .where('run_id', '=', runId)
    .$if(q.fromT !== undefined, (qb) => qb.where('t', '>=', q.fromT as number));
  if (q.maxPoints !== undefined) {
    const n = Number((await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const total = Math.min(n, q.limit ?? n);
    if (total > q.maxPoints) {
      // Number the selection in SQL and fetch only the chosen rows, not the whole series.
      const ranks = evenIndices(total, q.maxPoints).map((i) => i + 1);
      const rows = await db
        .selectFrom(base.selectAll().select(sql<number>`row_number() over (order by t)`.as('rn')).as('numbered'))
        .selectAll()
        .where('rn', 'in', ranks)
        .orderBy('t')
        .execute();
      return rows.map((r) => rowToSample(r as SamplesTable));
    }
  }
  const rows = await base
    .selectAll()
    .orderBy('t')
    .$if(q.limit !== undefined, (qb) => qb.limit(q.limit as number))
    .execute();
  return rows.map(rowToSample);
}

export async function appendMetrics(db: Db, runId: string, points: MetricPoint[]): Promise<number> {
  id(runId, 'runId');
  validateMetrics(points);
  return db.transaction().execute(async (trx) => {
    await requireRun(trx, runId);
    let added = 0;
    for (const part of chunks(points.map((p) => metricToRow(runId, p)))) {
      const res = await trx
        .insertInto('metrics')
        .values(part)
        .onConflict((oc) => oc.columns(['run_id', 'key', 'step_key', 't']).doNothing())
        .executeTakeFirst();
      added += count(res.numInsertedOrUpdatedRows);
    }
    return added;
  });
}

export async function listMetrics(db: Db, runId: string, q: MetricQuery): Promise<MetricPoint[]> {
  id(runId, 'runId');
  if (q.key !== undefined) text(q.key, 'key', { nonEmpty: true });
  const rows = await db
    .selectFrom('metrics')
    .selectAll()
    .where('run_id', '=', runId)
    .$if(q.key !== undefined, (qb) => qb.where('key', '=', q.key as string))
    .orderBy('key')
    .orderBy('t')
    .orderBy('step_key')
    .execute();
  return rows.map(rowToMetric);
}

export async function exportRunBundle(db: Db, idOrPrefix: string): Promise<RunBundle> {
  const run = await getRun(db, idOrPrefix);
  if (!run) throw notFound('run', idOrPrefix);
  const samples = await listSamples(db, run.id, {});
  const metrics = await listMetrics(db, run.id, {});
  return { format: 'greenml.run-bundle', version: 1, run, samples, metrics };
}

const SAMPLE_COLS = ['dt_s', 'cpu_w', 'gpu_w', 'memory_w', 'cpu_j', 'gpu_j', 'memory_j', 'cpu_cores', 'memory_bytes', 'gpu_util_pct', 'detail'] as const;

export async function importRunBundle(db: Db, bundle: RunBundle): Promise<void> {
  validateBundle(bundle);
  const { run } = bundle;
  const { id: _id, ...runValues } = runToRow(run);
  await db.transaction().execute(async (trx) => {
    await ensureProject(trx, run.project, Date.now());
    await trx
      .insertInto('runs')
      .values(runToRow(run))
      .onConflict((oc) => oc.column('id').doUpdateSet(runValues))
      .execute();
    const samples = lastByKey(bundle.samples, (s) => String(s.t)).map((s) => sampleToRow(run.id, s));
    for (const part of chunks(samples)) {
      await trx
        .insertInto('samples')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['run_id', 't']).doUpdateSet((eb) => Object.fromEntries(SAMPLE_COLS.map((c) => [c, eb.ref(`excluded.${c}`)]))),
        )
        .execute();
    }
    const metrics: MetricsTable[] = lastByKey(bundle.metrics, (m) => JSON.stringify([m.key, m.step, m.t])).map((m) => metricToRow(run.id, m));
    for (const part of chunks(metrics)) {
      await trx
        .insertInto('metrics')
        .values(part)
        .onConflict((oc) => oc.columns(['run_id', 'key', 'step_key', 't']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
        .execute();
    }
  });
}
