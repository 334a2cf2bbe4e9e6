/**
 * Budgets, their evaluation state per period, and the history of their alerts. The budget itself
 * and each alert are JSON documents (their shapes belong to core/budget and the Store port); only
 * what is filtered or compared in SQL has its own column. Portable types only, as in 0001.
 */
import type { Kysely, Migration } from 'kysely';

export const budgets: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('budgets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      // null: a global budget (every project)
      .addColumn('project', 'text')
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('budgets_project_idx').on('budgets').column('project').execute();

    // One row per (budget, period): a new period starts from no row, which is what re-arms it, and
    // the rows of past periods are the budget's state history. `version` is the compare-and-set token.
    await db.schema
      .createTable('budget_states')
      .addColumn('budget_id', 'text', (c) => c.notNull().references('budgets.id').onDelete('cascade'))
      .addColumn('period_key', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('alarms', 'text', (c) => c.notNull())
      .addColumn('actual', 'double precision', (c) => c.notNull())
      .addColumn('forecast', 'double precision')
      .addColumn('start_ms', 'bigint')
      .addColumn('end_ms', 'bigint')
      .addColumn('evaluated_at', 'bigint', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('budget_states_pk', ['budget_id', 'period_key'])
      .execute();
    await db.schema.createIndex('budget_states_recent_idx').on('budget_states').columns(['budget_id', 'evaluated_at']).execute();

    await db.schema
      .createTable('budget_alerts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('budget_id', 'text', (c) => c.notNull().references('budgets.id').onDelete('cascade'))
      .addColumn('at_ms', 'bigint', (c) => c.notNull())
      .addColumn('period_key', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('delivery_state', 'text', (c) => c.notNull())
      .addColumn('claim_until_ms', 'bigint')
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('deliveries', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('budget_alerts_budget_idx').on('budget_alerts').columns(['budget_id', 'at_ms', 'id']).execute();
    await db.schema.createIndex('budget_alerts_at_idx').on('budget_alerts').columns(['at_ms', 'id']).execute();
    await db.schema.createIndex('budget_alerts_delivery_idx').on('budget_alerts').columns(['delivery_state', 'at_ms']).execute();
  },
};
