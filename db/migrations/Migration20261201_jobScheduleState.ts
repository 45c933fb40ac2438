import { Migration } from '@mikro-orm/migrations';

/** A job's state, so that no transaction is held open while Temporal creates or deletes its schedule; existing jobs are active. */
export class SqliteJobScheduleState extends Migration {
  override up(): void {
    this.addSql("alter table `job_schedules` add column `state` text check (`state` in ('pending', 'active', 'deleting')) not null default 'active';");
    this.addSql('create index `job_schedules_state_index` on `job_schedules` (`state`);');
  }

  override down(): void {
    this.addSql('drop index `job_schedules_state_index`;');
    this.addSql('alter table `job_schedules` drop column `state`;');
  }
}

/** A job's state, so that no transaction is held open while Temporal creates or deletes its schedule; existing jobs are active. */
export class PostgresqlJobScheduleState extends Migration {
  override up(): void {
    this.addSql(`alter table "job_schedules" add column "state" text not null default 'active';`);
    this.addSql(`alter table "job_schedules" add constraint "job_schedules_state_check" check ("state" in ('pending', 'active', 'deleting'));`);
    this.addSql('create index "job_schedules_state_index" on "job_schedules" ("state");');
  }

  override down(): void {
    this.addSql('alter table "job_schedules" drop column "state";');
  }
}
