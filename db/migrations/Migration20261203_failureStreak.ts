import { Migration } from '@mikro-orm/migrations';

/** How many failed runs in a row pause a job with pause_on_failure (existing jobs keep Temporal's one), and when its count restarts. */
export class SqliteFailureStreak extends Migration {
  override up(): void {
    this.addSql('alter table `job_schedules` add column `pause_after_failures` integer not null default 1;');
    this.addSql('alter table `job_schedules` add column `failures_reset_at` datetime null;');
  }

  override down(): void {
    this.addSql('alter table `job_schedules` drop column `pause_after_failures`;');
    this.addSql('alter table `job_schedules` drop column `failures_reset_at`;');
  }
}

/** How many failed runs in a row pause a job with pause_on_failure (existing jobs keep Temporal's one), and when its count restarts. */
export class PostgresqlFailureStreak extends Migration {
  override up(): void {
    this.addSql('alter table "job_schedules" add column "pause_after_failures" int not null default 1, add column "failures_reset_at" timestamptz null;');
  }

  override down(): void {
    this.addSql('alter table "job_schedules" drop column "pause_after_failures", drop column "failures_reset_at";');
  }
}
