/**
 * The first schema. Portable column types only (text, bigint, double precision) so one migration
 * serves SQLite and PostgreSQL alike: on SQLite "bigint" has INTEGER affinity and "double precision"
 * REAL affinity. Times are epoch-ms bigint, JSON documents are text.
 */
import { sql, type Kysely, type Migration } from 'kysely';

/** Stands for "no step" in metrics.step_key; below any step a workload logs. */
export const NO_STEP = Number.MIN_SAFE_INTEGER;

export const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('projects')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('command', 'text', (c) => c.notNull())
      .addColumn('cwd', 'text')
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('pid', 'bigint')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('exit_code', 'bigint')
      .addColumn('signal', 'text')
      .addColumn('status_reason', 'text')
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint')
      .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
      .addColumn('location', 'text')
      .addColumn('instance', 'text')
      .addColumn('duration_s', 'double precision', (c) => c.notNull())
      .addColumn('cpu_kwh', 'double precision', (c) => c.notNull())
      .addColumn('gpu_kwh', 'double precision', (c) => c.notNull())
      .addColumn('memory_kwh', 'double precision', (c) => c.notNull())
      .addColumn('energy_kwh', 'double precision', (c) => c.notNull())
      .addColumn('operational_g', 'double precision', (c) => c.notNull())
      .addColumn('embodied_g', 'double precision', (c) => c.notNull())
      .addColumn('total_g', 'double precision', (c) => c.notNull())
      .addColumn('cost_usd', 'double precision')
      .addColumn('intensity_g_per_kwh', 'double precision')
      .addColumn('footprint', 'text')
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('job_id', 'text')
      .addColumn('search_text', 'text', (c) => c.notNull())
      .execute();
    // One index per sort key of listRuns, each ending in id: the keyset cursor's tie-break.
    for (const col of ['started_at', 'energy_kwh', 'total_g', 'duration_s']) {
      await db.schema.createIndex(`runs_${col}_idx`).on('runs').columns([col, 'id']).execute();
    }
    // costUsd sorts with "no cost" lowest; the expression must match the one listRuns orders by.
    await sql`create index runs_cost_idx on runs ((coalesce(cost_usd, -1)), id)`.execute(db);
    await db.schema.createIndex('runs_project_started_idx').on('runs').columns(['project', 'started_at', 'id']).execute();
    await db.schema.createIndex('runs_status_idx').on('runs').column('status').execute();
    await db.schema.createIndex('runs_job_idx').on('runs').column('job_id').execute();

    await db.schema
      .createTable('samples')
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('t', 'bigint', (c) => c.notNull())
      .addColumn('dt_s', 'double precision', (c) => c.notNull())
      .addColumn('cpu_w', 'double precision')
      .addColumn('gpu_w', 'double precision')
      .addColumn('memory_w', 'double precision')
      .addColumn('cpu_j', 'double precision', (c) => c.notNull())
      .addColumn('gpu_j', 'double precision', (c) => c.notNull())
      .addColumn('memory_j', 'double precision', (c) => c.notNull())
      .addColumn('cpu_cores', 'double precision')
      .addColumn('memory_bytes', 'double precision')
      .addColumn('gpu_util_pct', 'double precision')
      .addColumn('detail', 'text')
      .addPrimaryKeyConstraint('samples_pk', ['run_id', 't'])
      .execute();

    await db.schema
      .createTable('metrics')
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('step', 'bigint')
      .addColumn('step_key', 'bigint', (c) => c.notNull())
      .addColumn('t', 'bigint', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addPrimaryKeyConstraint('metrics_pk', ['run_id', 'key', 'step_key', 't'])
      .execute();

    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('command', 'text', (c) => c.notNull())
      .addColumn('cwd', 'text')
      .addColumn('env', 'text', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('plan', 'text')
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('due_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('agent_id', 'text')
      .addColumn('lease_until_ms', 'bigint')
      .addColumn('attempts', 'bigint', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('ended_at', 'bigint')
      .execute();
    await db.schema.createIndex('jobs_due_idx').on('jobs').columns(['state', 'due_at_ms', 'created_at', 'id']).execute();
    await db.schema.createIndex('jobs_created_idx').on('jobs').columns(['created_at', 'id']).execute();
    await db.schema.createIndex('jobs_project_idx').on('jobs').column('project').execute();

    await db.schema
      .createTable('job_labels')
      .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('job_labels_pk', ['job_id', 'key'])
      .execute();

    await db.schema
      .createTable('intensity')
      .addColumn('zone', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('t', 'bigint', (c) => c.notNull())
      .addColumn('signal', 'text', (c) => c.notNull())
      .addColumn('duration_s', 'double precision', (c) => c.notNull())
      .addColumn('intensity_g_per_kwh', 'double precision', (c) => c.notNull())
      .addPrimaryKeyConstraint('intensity_pk', ['zone', 'source', 'kind', 't'])
      .execute();
    await db.schema.createIndex('intensity_zone_t_idx').on('intensity').columns(['zone', 't']).execute();

    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('project', 'text')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute();
  },
};
