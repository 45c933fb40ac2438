import { Migration } from '@mikro-orm/migrations';

/** The tables added alongside the naming convention take its key names too (generated from the schema diff). */
export class SqliteConventionNames extends Migration {
  override up(): void {
    this.addSql("drop index `alerts_fired_at_index`;");
    this.addSql("create index `ix_alerts_fired_at` on `alerts` (`fired_at`);");
    this.addSql("drop index `alerts_workflow_id_unique`;");
    this.addSql("create unique index `uq_alerts_workflow_id` on `alerts` (`workflow_id`);");
    this.addSql("drop index `alerts_job_id_fired_at_index`;");
    this.addSql("create index `ix_alerts_job_id_fired_at` on `alerts` (`job_id`, `fired_at`);");
    this.addSql("drop index `command_audits_chat_id_index`;");
    this.addSql("create index `ix_command_audits_chat_id` on `command_audits` (`chat_id`);");
    this.addSql("drop index `command_audits_at_index`;");
    this.addSql("create index `ix_command_audits_at` on `command_audits` (`at`);");
    this.addSql("drop index `error_events_severity_event_id_index`;");
    this.addSql("create index `ix_error_events_severity_event_id` on `error_events` (`severity`, `event_id`);");
    this.addSql("drop index `error_events_component_event_id_index`;");
    this.addSql("create index `ix_error_events_component_event_id` on `error_events` (`component`, `event_id`);");
    this.addSql("drop index `fire_records_job_id_nominal_time_unique`;");
    this.addSql("create unique index `uq_fire_records_job_id_nominal_time` on `fire_records` (`job_id`, `nominal_time`);");
    this.addSql("drop index `job_runs_finished_at_index`;");
    this.addSql("create index `ix_job_runs_finished_at` on `job_runs` (`finished_at`);");
    this.addSql("drop index `notifications_idempotency_key_unique`;");
    this.addSql("create unique index `uq_notifications_idempotency_key` on `notifications` (`idempotency_key`);");
    this.addSql("drop index `notifications_user_id_index`;");
    this.addSql("create index `ix_notifications_user_id` on `notifications` (`user_id`);");
    this.addSql("drop index `notifications_created_at_index`;");
    this.addSql("create index `ix_notifications_created_at` on `notifications` (`created_at`);");
    this.addSql("drop index `notifications_status_next_attempt_at_index`;");
    this.addSql("create index `ix_notifications_status_next_attempt_at` on `notifications` (`status`, `next_attempt_at`);");
    this.addSql("drop index `reports_workflow_id_unique`;");
    this.addSql("create unique index `uq_reports_workflow_id` on `reports` (`workflow_id`);");
    this.addSql("drop index `reports_created_at_index`;");
    this.addSql("create index `ix_reports_created_at` on `reports` (`created_at`);");
    this.addSql("drop index `reports_job_id_created_at_index`;");
    this.addSql("create index `ix_reports_job_id_created_at` on `reports` (`job_id`, `created_at`);");
    this.addSql("drop index `settings_user_id_key_unique`;");
    this.addSql("create unique index `uq_settings_user_id_key` on `settings` (`user_id`, `key`);");
    this.addSql("drop index `telegram_users_user_id_unique`;");
    this.addSql("create unique index `uq_telegram_users_user_id` on `telegram_users` (`user_id`);");
    this.addSql("drop index `telegram_users_chat_id_unique`;");
    this.addSql("create unique index `uq_telegram_users_chat_id` on `telegram_users` (`chat_id`);");
    this.addSql("drop index `telegram_users_link_code_unique`;");
    this.addSql("create unique index `uq_telegram_users_link_code` on `telegram_users` (`link_code`);");
  }

  override down(): void {
    this.addSql("drop index `ix_alerts_fired_at`;");
    this.addSql("create index `alerts_fired_at_index` on `alerts` (`fired_at`);");
    this.addSql("drop index `uq_alerts_workflow_id`;");
    this.addSql("create unique index `alerts_workflow_id_unique` on `alerts` (`workflow_id`);");
    this.addSql("drop index `ix_alerts_job_id_fired_at`;");
    this.addSql("create index `alerts_job_id_fired_at_index` on `alerts` (`job_id`, `fired_at`);");
    this.addSql("drop index `ix_command_audits_chat_id`;");
    this.addSql("create index `command_audits_chat_id_index` on `command_audits` (`chat_id`);");
    this.addSql("drop index `ix_command_audits_at`;");
    this.addSql("create index `command_audits_at_index` on `command_audits` (`at`);");
    this.addSql("drop index `ix_error_events_severity_event_id`;");
    this.addSql("create index `error_events_severity_event_id_index` on `error_events` (`severity`, `event_id`);");
    this.addSql("drop index `ix_error_events_component_event_id`;");
    this.addSql("create index `error_events_component_event_id_index` on `error_events` (`component`, `event_id`);");
    this.addSql("drop index `uq_fire_records_job_id_nominal_time`;");
    this.addSql("create unique index `fire_records_job_id_nominal_time_unique` on `fire_records` (`job_id`, `nominal_time`);");
    this.addSql("drop index `ix_job_runs_finished_at`;");
    this.addSql("create index `job_runs_finished_at_index` on `job_runs` (`finished_at`);");
    this.addSql("drop index `uq_notifications_idempotency_key`;");
    this.addSql("create unique index `notifications_idempotency_key_unique` on `notifications` (`idempotency_key`);");
    this.addSql("drop index `ix_notifications_user_id`;");
    this.addSql("create index `notifications_user_id_index` on `notifications` (`user_id`);");
    this.addSql("drop index `ix_notifications_created_at`;");
    this.addSql("create index `notifications_created_at_index` on `notifications` (`created_at`);");
    this.addSql("drop index `ix_notifications_status_next_attempt_at`;");
    this.addSql("create index `notifications_status_next_attempt_at_index` on `notifications` (`status`, `next_attempt_at`);");
    this.addSql("drop index `uq_reports_workflow_id`;");
    this.addSql("create unique index `reports_workflow_id_unique` on `reports` (`workflow_id`);");
    this.addSql("drop index `ix_reports_created_at`;");
    this.addSql("create index `reports_created_at_index` on `reports` (`created_at`);");
    this.addSql("drop index `ix_reports_job_id_created_at`;");
    this.addSql("create index `reports_job_id_created_at_index` on `reports` (`job_id`, `created_at`);");
    this.addSql("drop index `uq_settings_user_id_key`;");
    this.addSql("create unique index `settings_user_id_key_unique` on `settings` (`user_id`, `key`);");
    this.addSql("drop index `uq_telegram_users_user_id`;");
    this.addSql("create unique index `telegram_users_user_id_unique` on `telegram_users` (`user_id`);");
    this.addSql("drop index `uq_telegram_users_chat_id`;");
    this.addSql("create unique index `telegram_users_chat_id_unique` on `telegram_users` (`chat_id`);");
    this.addSql("drop index `uq_telegram_users_link_code`;");
    this.addSql("create unique index `telegram_users_link_code_unique` on `telegram_users` (`link_code`);");
  }
}

/** The tables added alongside the naming convention take its key names too (generated from the schema diff). */
export class PostgresqlConventionNames extends Migration {
  override up(): void {
    this.addSql("alter index \"alerts_fired_at_index\" rename to \"ix_alerts_fired_at\";");
    this.addSql("alter table \"alerts\" drop constraint \"alerts_workflow_id_unique\";");
    this.addSql("alter table \"alerts\" add constraint \"uq_alerts_workflow_id\" unique (\"workflow_id\");");
    this.addSql("alter index \"alerts_job_id_fired_at_index\" rename to \"ix_alerts_job_id_fired_at\";");
    this.addSql("alter index \"command_audits_chat_id_index\" rename to \"ix_command_audits_chat_id\";");
    this.addSql("alter index \"command_audits_at_index\" rename to \"ix_command_audits_at\";");
    this.addSql("alter index \"error_events_severity_event_id_index\" rename to \"ix_error_events_severity_event_id\";");
    this.addSql("alter index \"error_events_component_event_id_index\" rename to \"ix_error_events_component_event_id\";");
    this.addSql("alter table \"fire_records\" drop constraint \"fire_records_outcome_check\";");
    this.addSql("alter table \"fire_records\" drop constraint \"fire_records_job_id_nominal_time_unique\";");
    this.addSql("alter table \"fire_records\" add constraint \"uq_fire_records_job_id_nominal_time\" unique (\"job_id\", \"nominal_time\");");
    this.addSql("alter table \"fire_records\" add constraint \"ck_fire_records_outcome\" check (\"outcome\" in ('started', 'skipped_overlap', 'skipped_max_instances', 'missed_catchup', 'paused', 'not_started'));");
    this.addSql("alter index \"job_runs_finished_at_index\" rename to \"ix_job_runs_finished_at\";");
    this.addSql("alter table \"notifications\" drop constraint \"notifications_channel_check\";");
    this.addSql("alter table \"notifications\" drop constraint \"notifications_status_check\";");
    this.addSql("alter table \"notifications\" drop constraint \"notifications_idempotency_key_unique\";");
    this.addSql("alter table \"notifications\" add constraint \"uq_notifications_idempotency_key\" unique (\"idempotency_key\");");
    this.addSql("alter index \"notifications_user_id_index\" rename to \"ix_notifications_user_id\";");
    this.addSql("alter index \"notifications_created_at_index\" rename to \"ix_notifications_created_at\";");
    this.addSql("alter index \"notifications_status_next_attempt_at_index\" rename to \"ix_notifications_status_next_attempt_at\";");
    this.addSql("alter table \"notifications\" add constraint \"ck_notifications_channel\" check (\"channel\" in ('log', 'webhook', 'telegram'));");
    this.addSql("alter table \"notifications\" add constraint \"ck_notifications_status\" check (\"status\" in ('pending', 'sending', 'sent', 'failed'));");
    this.addSql("alter table \"reports\" drop constraint \"reports_workflow_id_unique\";");
    this.addSql("alter table \"reports\" add constraint \"uq_reports_workflow_id\" unique (\"workflow_id\");");
    this.addSql("alter index \"reports_created_at_index\" rename to \"ix_reports_created_at\";");
    this.addSql("alter index \"reports_job_id_created_at_index\" rename to \"ix_reports_job_id_created_at\";");
    this.addSql("alter table \"settings\" drop constraint \"settings_user_id_key_unique\";");
    this.addSql("alter table \"settings\" add constraint \"uq_settings_user_id_key\" unique (\"user_id\", \"key\");");
    this.addSql("alter table \"telegram_users\" drop constraint \"telegram_users_user_id_unique\";");
    this.addSql("alter table \"telegram_users\" add constraint \"uq_telegram_users_user_id\" unique (\"user_id\");");
    this.addSql("alter table \"telegram_users\" drop constraint \"telegram_users_chat_id_unique\";");
    this.addSql("alter table \"telegram_users\" add constraint \"uq_telegram_users_chat_id\" unique (\"chat_id\");");
    this.addSql("alter table \"telegram_users\" drop constraint \"telegram_users_link_code_unique\";");
    this.addSql("alter table \"telegram_users\" add constraint \"uq_telegram_users_link_code\" unique (\"link_code\");");
  }

  override down(): void {
    this.addSql("alter index \"ix_alerts_fired_at\" rename to \"alerts_fired_at_index\";");
    this.addSql("alter table \"alerts\" drop constraint \"uq_alerts_workflow_id\";");
    this.addSql("alter table \"alerts\" add constraint \"alerts_workflow_id_unique\" unique (\"workflow_id\");");
    this.addSql("alter index \"ix_alerts_job_id_fired_at\" rename to \"alerts_job_id_fired_at_index\";");
    this.addSql("alter index \"ix_command_audits_chat_id\" rename to \"command_audits_chat_id_index\";");
    this.addSql("alter index \"ix_command_audits_at\" rename to \"command_audits_at_index\";");
    this.addSql("alter index \"ix_error_events_severity_event_id\" rename to \"error_events_severity_event_id_index\";");
    this.addSql("alter index \"ix_error_events_component_event_id\" rename to \"error_events_component_event_id_index\";");
    this.addSql("alter table \"fire_records\" drop constraint \"ck_fire_records_outcome\";");
    this.addSql("alter table \"fire_records\" add constraint \"fire_records_outcome_check\" check (\"outcome\" in ('started', 'skipped_overlap', 'skipped_max_instances', 'missed_catchup', 'paused', 'not_started'));");
    this.addSql("alter table \"fire_records\" drop constraint \"uq_fire_records_job_id_nominal_time\";");
    this.addSql("alter table \"fire_records\" add constraint \"fire_records_job_id_nominal_time_unique\" unique (\"job_id\", \"nominal_time\");");
    this.addSql("alter index \"ix_job_runs_finished_at\" rename to \"job_runs_finished_at_index\";");
    this.addSql("alter table \"notifications\" drop constraint \"ck_notifications_channel\";");
    this.addSql("alter table \"notifications\" add constraint \"notifications_channel_check\" check (\"channel\" in ('log', 'webhook', 'telegram'));");
    this.addSql("alter table \"notifications\" drop constraint \"ck_notifications_status\";");
    this.addSql("alter table \"notifications\" add constraint \"notifications_status_check\" check (\"status\" in ('pending', 'sending', 'sent', 'failed'));");
    this.addSql("alter table \"notifications\" drop constraint \"uq_notifications_idempotency_key\";");
    this.addSql("alter table \"notifications\" add constraint \"notifications_idempotency_key_unique\" unique (\"idempotency_key\");");
    this.addSql("alter index \"ix_notifications_user_id\" rename to \"notifications_user_id_index\";");
    this.addSql("alter index \"ix_notifications_created_at\" rename to \"notifications_created_at_index\";");
    this.addSql("alter index \"ix_notifications_status_next_attempt_at\" rename to \"notifications_status_next_attempt_at_index\";");
    this.addSql("alter table \"reports\" drop constraint \"uq_reports_workflow_id\";");
    this.addSql("alter table \"reports\" add constraint \"reports_workflow_id_unique\" unique (\"workflow_id\");");
    this.addSql("alter index \"ix_reports_created_at\" rename to \"reports_created_at_index\";");
    this.addSql("alter index \"ix_reports_job_id_created_at\" rename to \"reports_job_id_created_at_index\";");
    this.addSql("alter table \"settings\" drop constraint \"uq_settings_user_id_key\";");
    this.addSql("alter table \"settings\" add constraint \"settings_user_id_key_unique\" unique (\"user_id\", \"key\");");
    this.addSql("alter table \"telegram_users\" drop constraint \"uq_telegram_users_user_id\";");
    this.addSql("alter table \"telegram_users\" add constraint \"telegram_users_user_id_unique\" unique (\"user_id\");");
    this.addSql("alter table \"telegram_users\" drop constraint \"uq_telegram_users_chat_id\";");
    this.addSql("alter table \"telegram_users\" add constraint \"telegram_users_chat_id_unique\" unique (\"chat_id\");");
    this.addSql("alter table \"telegram_users\" drop constraint \"uq_telegram_users_link_code\";");
    this.addSql("alter table \"telegram_users\" add constraint \"telegram_users_link_code_unique\" unique (\"link_code\");");
  }
}
