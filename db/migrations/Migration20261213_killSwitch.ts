import { Migration } from '@mikro-orm/migrations';

/** The trading kill switch's engagements; the unique index on `engaged` (true or null) allows one open engagement. */
export class SqliteKillSwitch extends Migration {
  override up(): void {
    this.addSql("create table `kill_switch_engagements` (`id` integer not null primary key autoincrement, `engaged` integer null, `reason` text not null, `engaged_by` text not null, `engaged_at` datetime not null, `paused_job_ids` json not null, `resumed_at` datetime null, `resumed_by` text null, `resume_reason` text null);");
    this.addSql("create unique index `uq_kill_switch_engagements_engaged` on `kill_switch_engagements` (`engaged`);");
  }

  override down(): void {
    this.addSql('drop table `kill_switch_engagements`;');
  }
}

/** The trading kill switch's engagements; the unique constraint on `engaged` (true or null) allows one open engagement. */
export class PostgresqlKillSwitch extends Migration {
  override up(): void {
    this.addSql("create table \"kill_switch_engagements\" (\"id\" serial, \"engaged\" boolean null, \"reason\" varchar(500) not null, \"engaged_by\" varchar(100) not null, \"engaged_at\" timestamptz not null, \"paused_job_ids\" jsonb not null, \"resumed_at\" timestamptz null, \"resumed_by\" varchar(100) null, \"resume_reason\" varchar(500) null, constraint \"pk_kill_switch_engagements\" primary key (\"id\"));");
    this.addSql("alter table \"kill_switch_engagements\" add constraint \"uq_kill_switch_engagements_engaged\" unique (\"engaged\");");
  }

  override down(): void {
    this.addSql('drop table "kill_switch_engagements";');
  }
}
