import { Migration } from '@mikro-orm/migrations';

/** Error events (the seed's ErrorEvent), listed newest first by severity or component. */
export class SqliteResilErrorEvents extends Migration {
  override up(): void {
    this.addSql('create table `error_events` (`event_id` text not null primary key, `timestamp` datetime not null, `severity` text not null, `component` text not null, `error_type` text not null, `message` text not null, `context` json null, `stack_trace` text null, `user_id` integer null, `session_id` text null, `resolved` integer not null default false, `resolution_time` datetime null);');
    this.addSql('create index `error_events_severity_event_id_index` on `error_events` (`severity`, `event_id`);');
    this.addSql('create index `error_events_component_event_id_index` on `error_events` (`component`, `event_id`);');
  }

  override down(): void {
    this.addSql('drop table `error_events`;');
  }
}

/** Error events (the seed's ErrorEvent), listed newest first by severity or component. */
export class PostgresqlResilErrorEvents extends Migration {
  override up(): void {
    this.addSql('create table "error_events" ("event_id" varchar(36) not null, "timestamp" timestamptz not null, "severity" varchar(16) not null, "component" varchar(64) not null, "error_type" varchar(128) not null, "message" text not null, "context" jsonb null, "stack_trace" text null, "user_id" int null, "session_id" varchar(255) null, "resolved" boolean not null default false, "resolution_time" timestamptz null, primary key ("event_id"));');
    this.addSql('create index "error_events_severity_event_id_index" on "error_events" ("severity", "event_id");');
    this.addSql('create index "error_events_component_event_id_index" on "error_events" ("component", "event_id");');
  }

  override down(): void {
    this.addSql('drop table "error_events";');
  }
}
