import { Migration } from '@mikro-orm/migrations';

/** Indexes renamed to the seed's convention: [table, old name, new name, columns, unique]. */
const INDEXES: [string, string, string, string[], boolean][] = [
  ['job_schedules', 'job_schedules_user_id_index', 'ix_job_schedules_user_id', ['user_id'], false],
  ['job_schedules', 'job_schedules_job_type_index', 'ix_job_schedules_job_type', ['job_type'], false],
  ['job_schedules', 'job_schedules_state_index', 'ix_job_schedules_state', ['state'], false],
  ['job_runs', 'job_runs_status_index', 'ix_job_runs_status', ['status'], false],
  ['job_runs', 'job_runs_job_id_run_id_index', 'ix_job_runs_job_id_run_id', ['job_id', 'run_id'], false],
  ['job_runs', 'job_runs_workflow_id_unique', 'uq_job_runs_workflow_id', ['workflow_id'], true],
  ['idempotency_keys', 'idempotency_keys_created_at_index', 'ix_idempotency_keys_created_at', ['created_at'], false],
  ['idempotency_keys', 'idempotency_keys_key_scope_unique', 'uq_idempotency_keys_key_scope', ['key', 'scope'], true],
];

/** PostgreSQL's named constraints: [table, old name, new name]; unique constraints own their index, so renaming one renames both. */
const POSTGRESQL_CONSTRAINTS: [string, string, string][] = [
  ['job_schedules', 'job_schedules_pkey', 'pk_job_schedules'],
  ['job_runs', 'job_runs_pkey', 'pk_job_runs'],
  ['idempotency_keys', 'idempotency_keys_pkey', 'pk_idempotency_keys'],
  ['job_runs', 'job_runs_workflow_id_unique', 'uq_job_runs_workflow_id'],
  ['idempotency_keys', 'idempotency_keys_key_scope_unique', 'uq_idempotency_keys_key_scope'],
  ['job_runs', 'job_runs_status_check', 'ck_job_runs_status'],
  ['job_schedules', 'job_schedules_state_check', 'ck_job_schedules_state'],
  ['job_schedules', 'job_schedules_overlap_check', 'ck_job_schedules_overlap'],
];

/** SQLite cannot rename an index: each is created again under its new name. Its checks and primary keys carry no name. */
export class SqliteNamingConvention extends Migration {
  override up(): void {
    for (const [table, from, to, columns, unique] of INDEXES) this.recreate(table, from, to, columns, unique);
  }

  override down(): void {
    for (const [table, from, to, columns, unique] of INDEXES) this.recreate(table, to, from, columns, unique);
  }

  private recreate(table: string, from: string, to: string, columns: string[], unique: boolean): void {
    this.addSql(`drop index \`${from}\`;`);
    this.addSql(`create ${unique ? 'unique ' : ''}index \`${to}\` on \`${table}\` (${columns.map((column) => `\`${column}\``).join(', ')});`);
  }
}

/** PostgreSQL renames constraints and indexes in place. */
export class PostgresqlNamingConvention extends Migration {
  override up(): void {
    for (const [table, from, to] of POSTGRESQL_CONSTRAINTS) this.addSql(`alter table "${table}" rename constraint "${from}" to "${to}";`);
    for (const [, from, to, , unique] of INDEXES) if (!unique) this.addSql(`alter index "${from}" rename to "${to}";`);
  }

  override down(): void {
    for (const [table, from, to] of POSTGRESQL_CONSTRAINTS) this.addSql(`alter table "${table}" rename constraint "${to}" to "${from}";`);
    for (const [, from, to, , unique] of INDEXES) if (!unique) this.addSql(`alter index "${to}" rename to "${from}";`);
  }
}
