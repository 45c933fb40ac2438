import { Migration } from '@mikro-orm/migrations';

/** The notification outbox, linked Telegram chats, per-user settings and the bot's command audit. */
export class SqliteOutbox extends Migration {
  override up(): void {
    this.addSql('create table `command_audits` (`id` integer not null primary key autoincrement, `user_id` integer null, `chat_id` bigint not null, `username` text null, `command` text not null, `outcome` text not null, `detail` text null, `at` datetime not null);');
    this.addSql('create index `command_audits_chat_id_index` on `command_audits` (`chat_id`);');
    this.addSql('create index `command_audits_at_index` on `command_audits` (`at`);');
    this.addSql('create table `notifications` (`id` integer not null primary key autoincrement, `idempotency_key` text not null, `user_id` integer not null, `job_id` integer null, `channel` text check (`channel` in (\'log\', \'webhook\', \'telegram\')) not null, `recipient` text not null, `title` text not null, `text` text not null, `body` json not null, `image_png` blob null, `status` text check (`status` in (\'pending\', \'sending\', \'sent\', \'failed\')) not null, `attempts` integer not null default 0, `next_attempt_at` datetime not null, `claim_token` text null, `last_error` text null, `sent_at` datetime null, `created_at` datetime not null);');
    this.addSql('create unique index `notifications_idempotency_key_unique` on `notifications` (`idempotency_key`);');
    this.addSql('create index `notifications_user_id_index` on `notifications` (`user_id`);');
    this.addSql('create index `notifications_created_at_index` on `notifications` (`created_at`);');
    this.addSql('create index `notifications_status_next_attempt_at_index` on `notifications` (`status`, `next_attempt_at`);');
    this.addSql('create table `settings` (`id` integer not null primary key autoincrement, `user_id` integer not null, `key` text not null, `value` text not null, `updated_at` datetime not null);');
    this.addSql('create unique index `settings_user_id_key_unique` on `settings` (`user_id`, `key`);');
    this.addSql('create table `telegram_users` (`id` integer not null primary key autoincrement, `user_id` integer not null, `chat_id` bigint null, `username` text null, `muted` integer not null default false, `quiet_hours_start` integer null, `quiet_hours_end` integer null, `linked_at` datetime null, `blocked` integer not null default false, `link_code` text null, `link_code_expires_at` datetime null);');
    this.addSql('create unique index `telegram_users_user_id_unique` on `telegram_users` (`user_id`);');
    this.addSql('create unique index `telegram_users_chat_id_unique` on `telegram_users` (`chat_id`);');
    this.addSql('create unique index `telegram_users_link_code_unique` on `telegram_users` (`link_code`);');
  }

  override down(): void {
    this.addSql('drop table `telegram_users`;');
    this.addSql('drop table `settings`;');
    this.addSql('drop table `notifications`;');
    this.addSql('drop table `command_audits`;');
  }
}

/** The notification outbox, linked Telegram chats, per-user settings and the bot's command audit. */
export class PostgresqlOutbox extends Migration {
  override up(): void {
    this.addSql('create table "command_audits" ("id" serial primary key, "user_id" int null, "chat_id" bigint not null, "username" varchar(64) null, "command" varchar(500) not null, "outcome" varchar(32) not null, "detail" varchar(1000) null, "at" timestamptz not null);');
    this.addSql('create index "command_audits_chat_id_index" on "command_audits" ("chat_id");');
    this.addSql('create index "command_audits_at_index" on "command_audits" ("at");');
    this.addSql('create table "notifications" ("id" serial primary key, "idempotency_key" varchar(255) not null, "user_id" int not null, "job_id" int null, "channel" text not null, "recipient" varchar(1000) not null, "title" varchar(500) not null, "text" text not null, "body" jsonb not null, "image_png" bytea null, "status" text not null, "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "claim_token" varchar(64) null, "last_error" text null, "sent_at" timestamptz null, "created_at" timestamptz not null);');
    this.addSql('alter table "notifications" add constraint "notifications_idempotency_key_unique" unique ("idempotency_key");');
    this.addSql('create index "notifications_user_id_index" on "notifications" ("user_id");');
    this.addSql('create index "notifications_created_at_index" on "notifications" ("created_at");');
    this.addSql('create index "notifications_status_next_attempt_at_index" on "notifications" ("status", "next_attempt_at");');
    this.addSql('create table "settings" ("id" serial primary key, "user_id" int not null, "key" varchar(100) not null, "value" varchar(2000) not null, "updated_at" timestamptz not null);');
    this.addSql('alter table "settings" add constraint "settings_user_id_key_unique" unique ("user_id", "key");');
    this.addSql('create table "telegram_users" ("id" serial primary key, "user_id" int not null, "chat_id" bigint null, "username" varchar(64) null, "muted" boolean not null default false, "quiet_hours_start" int null, "quiet_hours_end" int null, "linked_at" timestamptz null, "blocked" boolean not null default false, "link_code" varchar(64) null, "link_code_expires_at" timestamptz null);');
    this.addSql('alter table "telegram_users" add constraint "telegram_users_user_id_unique" unique ("user_id");');
    this.addSql('alter table "telegram_users" add constraint "telegram_users_chat_id_unique" unique ("chat_id");');
    this.addSql('alter table "telegram_users" add constraint "telegram_users_link_code_unique" unique ("link_code");');
    this.addSql('alter table "notifications" add constraint "notifications_channel_check" check ("channel" in (\'log\', \'webhook\', \'telegram\'));');
    this.addSql('alter table "notifications" add constraint "notifications_status_check" check ("status" in (\'pending\', \'sending\', \'sent\', \'failed\'));');
  }

  override down(): void {
    this.addSql('drop table "telegram_users";');
    this.addSql('drop table "settings";');
    this.addSql('drop table "notifications";');
    this.addSql('drop table "command_audits";');
  }
}
