import { Migration } from '@mikro-orm/migrations';

/** Job schedules and their runs. */
export class SqliteInitial extends Migration {
  override up(): void {
    this.addSql("create table `job_schedules` (`id` integer not null primary key autoincrement, `user_id` integer not null, `name` text not null, `job_type` text not null, `target` text not null, `task_params` json not null, `cron` text not null, `timezone` text not null default 'UTC', `enabled` integer not null default true, `next_run_at` datetime null, `created_at` datetime not null, `updated_at` datetime not null, `schedule_id` text null);");
    this.addSql('create index `job_schedules_user_id_index` on `job_schedules` (`user_id`);');
    this.addSql('create index `job_schedules_job_type_index` on `job_schedules` (`job_type`);');
    this.addSql("create table `job_runs` (`run_id` integer not null primary key autoincrement, `job_type` text not null, `job_id` integer not null, `user_id` integer not null, `status` text check (`status` in ('ENQUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT')) not null, `scheduled_for` datetime null, `enqueued_at` datetime not null, `started_at` datetime null, `finished_at` datetime null, `job_snapshot` json not null, `result` json null, `error` json null, `worker_id` text null, `workflow_id` text not null, `temporal_run_id` text null);");
    this.addSql('create index `job_runs_status_index` on `job_runs` (`status`);');
    this.addSql('create unique index `job_runs_workflow_id_unique` on `job_runs` (`workflow_id`);');
    this.addSql('create index `job_runs_job_id_run_id_index` on `job_runs` (`job_id`, `run_id`);');
  }

  override down(): void {
    this.addSql('drop table `job_runs`;');
    this.addSql('drop table `job_schedules`;');
  }
}

/** Job schedules and their runs. */
export class PostgresqlInitial extends Migration {
  override up(): void {
    this.addSql(`create table "job_schedules" ("id" serial primary key, "user_id" int not null, "name" varchar(200) not null, "job_type" varchar(64) not null, "target" varchar(200) not null, "task_params" jsonb not null, "cron" varchar(200) not null, "timezone" varchar(64) not null default 'UTC', "enabled" boolean not null default true, "next_run_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "schedule_id" varchar(100) null);`);
    this.addSql('create index "job_schedules_user_id_index" on "job_schedules" ("user_id");');
    this.addSql('create index "job_schedules_job_type_index" on "job_schedules" ("job_type");');
    this.addSql(`create table "job_runs" ("run_id" serial primary key, "job_type" varchar(64) not null, "job_id" int not null, "user_id" int not null, "status" text not null, "scheduled_for" timestamptz null, "enqueued_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, "job_snapshot" jsonb not null, "result" jsonb null, "error" jsonb null, "worker_id" varchar(200) null, "workflow_id" varchar(255) not null, "temporal_run_id" varchar(64) null);`);
    this.addSql('create index "job_runs_status_index" on "job_runs" ("status");');
    this.addSql('alter table "job_runs" add constraint "job_runs_workflow_id_unique" unique ("workflow_id");');
    this.addSql('create index "job_runs_job_id_run_id_index" on "job_runs" ("job_id", "run_id");');
    this.addSql(`alter table "job_runs" add constraint "job_runs_status_check" check ("status" in ('ENQUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'));`);
  }

  override down(): void {
    this.addSql('drop table "job_runs";');
    this.addSql('drop table "job_schedules";');
  }
}
