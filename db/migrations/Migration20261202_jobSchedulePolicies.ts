import { Migration } from '@mikro-orm/migrations';

/** Each job's own schedule policies and the reason it was last paused; existing jobs get the price alert's former run options. */
export class SqliteJobSchedulePolicies extends Migration {
  override up(): void {
    this.addSql("alter table `job_schedules` add column `overlap` text check (`overlap` in ('skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all')) not null default 'buffer_one';");
    this.addSql('alter table `job_schedules` add column `catchup_window` integer not null default 60;');
    this.addSql('alter table `job_schedules` add column `jitter` integer not null default 0;');
    this.addSql('alter table `job_schedules` add column `pause_on_failure` integer not null default false;');
    this.addSql('alter table `job_schedules` add column `start_at` datetime null;');
    this.addSql('alter table `job_schedules` add column `end_at` datetime null;');
    this.addSql('alter table `job_schedules` add column `remaining_actions` integer null;');
    this.addSql('alter table `job_schedules` add column `max_instances` integer null;');
    this.addSql('alter table `job_schedules` add column `pause_note` text null;');
  }

  override down(): void {
    for (const column of ['overlap', 'catchup_window', 'jitter', 'pause_on_failure', 'start_at', 'end_at', 'remaining_actions', 'max_instances', 'pause_note']) {
      this.addSql(`alter table \`job_schedules\` drop column \`${column}\`;`);
    }
  }
}

/** Each job's own schedule policies and the reason it was last paused; existing jobs get the price alert's former run options. */
export class PostgresqlJobSchedulePolicies extends Migration {
  override up(): void {
    this.addSql(`alter table "job_schedules" add column "overlap" text not null default 'buffer_one', add column "catchup_window" int not null default 60, add column "jitter" int not null default 0, add column "pause_on_failure" boolean not null default false, add column "start_at" timestamptz null, add column "end_at" timestamptz null, add column "remaining_actions" int null, add column "max_instances" int null, add column "pause_note" varchar(500) null;`);
    this.addSql(`alter table "job_schedules" add constraint "job_schedules_overlap_check" check ("overlap" in ('skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all'));`);
  }

  override down(): void {
    this.addSql('alter table "job_schedules" drop column "overlap", drop column "catchup_window", drop column "jitter", drop column "pause_on_failure", drop column "start_at", drop column "end_at", drop column "remaining_actions", drop column "max_instances", drop column "pause_note";');
  }
}
