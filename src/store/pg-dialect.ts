/**
 * PostgreSQL dialect whose introspection sees only greenml's own schema.
 *
 * Kysely's Migrator asks the introspector whether its bookkeeping tables exist, and the stock
 * PostgreSQL introspector answers by reading every table of every schema, calling functions such
 * as pg_get_serial_sequence on each. When another process drops a schema during that read (a test
 * suite, a restore, a second greenml on its own schema), PostgreSQL fails the whole query with
 * 3F000 (invalid_schema_name), and the migration with it, although our schema is intact. Only
 * names are needed, so this introspector reads pg_namespace and information_schema for one schema.
 */
import {
  PostgresDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Kysely,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';

class SchemaIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: Kysely<unknown>,
    private readonly schema: string,
  ) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<SchemaMetadata>`select nspname as name from pg_catalog.pg_namespace where nspname = ${this.schema}`.execute(this.db);
    return rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; type: string }>`
      select table_name as name, table_type as type from information_schema.tables where table_schema = ${this.schema}`.execute(this.db);
    return rows.map((r) => ({ name: r.name, schema: this.schema, isView: r.type === 'VIEW', columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

export class SchemaScopedPostgresDialect extends PostgresDialect {
  constructor(
    config: ConstructorParameters<typeof PostgresDialect>[0],
    private readonly schema: string,
  ) {
    super(config);
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SchemaIntrospector(db, this.schema);
  }
}
