import { Migration } from '@mikro-orm/migrations';

/** Fired-alert history, price alert state between runs, technical-analysis reports, and the index retention deletes runs by. */
export class SqliteAlertsReports extends Migration {
  override up(): void {
    this.addSql('create table `alerts` (`id` integer not null primary key autoincrement, `job_id` integer not null, `job_type` text not null, `user_id` integer not null, `symbol` text not null, `condition` text not null, `value` double not null, `price` double not null, `fired_at` datetime not null, `workflow_id` text not null, `temporal_run_id` text not null);');
    this.addSql('create index `alerts_fired_at_index` on `alerts` (`fired_at`);');
    this.addSql('create unique index `alerts_workflow_id_unique` on `alerts` (`workflow_id`);');
    this.addSql('create index `alerts_job_id_fired_at_index` on `alerts` (`job_id`, `fired_at`);');
    this.addSql('create table `price_alert_states` (`job_id` integer not null primary key, `last_price` double null, `armed` integer not null default true, `workflow_id` text not null, `triggered` integer not null default false, `updated_at` datetime not null);');
    this.addSql('create table `reports` (`id` integer not null primary key autoincrement, `job_id` integer not null, `user_id` integer not null, `symbol` text not null, `interval` text not null, `summary` json not null, `chart_png` blob not null, `workflow_id` text not null, `created_at` datetime not null);');
    this.addSql('create unique index `reports_workflow_id_unique` on `reports` (`workflow_id`);');
    this.addSql('create index `reports_created_at_index` on `reports` (`created_at`);');
    this.addSql('create index `reports_job_id_created_at_index` on `reports` (`job_id`, `created_at`);');
    this.addSql('create index `job_runs_finished_at_index` on `job_runs` (`finished_at`);');
  }

  override down(): void {
    this.addSql('drop index `job_runs_finished_at_index`;');
    this.addSql('drop table `reports`;');
    this.addSql('drop table `price_alert_states`;');
    this.addSql('drop table `alerts`;');
  }
}

/** Fired-alert history, price alert state between runs, technical-analysis reports, and the index retention deletes runs by. */
export class PostgresqlAlertsReports extends Migration {
  override up(): void {
    this.addSql('create table "alerts" ("id" serial primary key, "job_id" int not null, "job_type" varchar(64) not null, "user_id" int not null, "symbol" varchar(200) not null, "condition" varchar(100) not null, "value" double precision not null, "price" double precision not null, "fired_at" timestamptz not null, "workflow_id" varchar(255) not null, "temporal_run_id" varchar(64) not null);');
    this.addSql('create index "alerts_fired_at_index" on "alerts" ("fired_at");');
    this.addSql('alter table "alerts" add constraint "alerts_workflow_id_unique" unique ("workflow_id");');
    this.addSql('create index "alerts_job_id_fired_at_index" on "alerts" ("job_id", "fired_at");');
    this.addSql('create table "price_alert_states" ("job_id" int not null, "last_price" double precision null, "armed" boolean not null default true, "workflow_id" varchar(255) not null, "triggered" boolean not null default false, "updated_at" timestamptz not null, primary key ("job_id"));');
    this.addSql('create table "reports" ("id" serial primary key, "job_id" int not null, "user_id" int not null, "symbol" varchar(200) not null, "interval" varchar(8) not null, "summary" jsonb not null, "chart_png" bytea not null, "workflow_id" varchar(255) not null, "created_at" timestamptz not null);');
    this.addSql('alter table "reports" add constraint "reports_workflow_id_unique" unique ("workflow_id");');
    this.addSql('create index "reports_created_at_index" on "reports" ("created_at");');
    this.addSql('create index "reports_job_id_created_at_index" on "reports" ("job_id", "created_at");');
    this.addSql('create index "job_runs_finished_at_index" on "job_runs" ("finished_at");');
  }

  override down(): void {
    this.addSql('drop index "job_runs_finished_at_index";');
    this.addSql('drop table "reports";');
    this.addSql('drop table "price_alert_states";');
    this.addSql('drop table "alerts";');
  }
}
