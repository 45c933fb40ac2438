import { Migration } from '@mikro-orm/migrations';

/** The fire ledger: one row per job and nominal fire time. */
export class SqliteFireLedger extends Migration {
  override up(): void {
    this.addSql("create table `fire_records` (`id` integer not null primary key autoincrement, `job_id` integer not null, `nominal_time` datetime not null, `outcome` text check (`outcome` in ('started', 'skipped_overlap', 'skipped_max_instances', 'missed_catchup', 'paused', 'not_started')) not null, `reason` text null, `delay_ms` integer null, `run_id` integer null, `settled_at` datetime not null);");
    this.addSql('create unique index `fire_records_job_id_nominal_time_unique` on `fire_records` (`job_id`, `nominal_time`);');
  }

  override down(): void {
    this.addSql('drop table `fire_records`;');
  }
}

/** The fire ledger: one row per job and nominal fire time. */
export class PostgresqlFireLedger extends Migration {
  override up(): void {
    this.addSql('create table "fire_records" ("id" serial primary key, "job_id" int not null, "nominal_time" timestamptz not null, "outcome" text not null, "reason" varchar(500) null, "delay_ms" int null, "run_id" int null, "settled_at" timestamptz not null);');
    this.addSql('alter table "fire_records" add constraint "fire_records_job_id_nominal_time_unique" unique ("job_id", "nominal_time");');
    this.addSql(`alter table "fire_records" add constraint "fire_records_outcome_check" check ("outcome" in ('started', 'skipped_overlap', 'skipped_max_instances', 'missed_catchup', 'paused', 'not_started'));`);
  }

  override down(): void {
    this.addSql('drop table "fire_records";');
  }
}
