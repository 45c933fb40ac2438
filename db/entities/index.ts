import { IdempotencyKeySchema } from './IdempotencyKey.ts';
import { JobRunSchema } from './JobRun.ts';
import { JobScheduleSchema } from './JobSchedule.ts';
import { CommandAuditSchema } from './CommandAudit.ts';
import { NotificationSchema } from './Notification.ts';
import { SettingSchema } from './Setting.ts';
import { TelegramUserSchema } from './TelegramUser.ts';

export { IdempotencyKey, type StoredResponse } from './IdempotencyKey.ts';
export { JobRun, RUN_STATUSES, type RunError, type RunStatus } from './JobRun.ts';
export { JOB_STATES, JobSchedule, type JobState } from './JobSchedule.ts';
export { CommandAudit } from './CommandAudit.ts';
export { Notification, NOTIFICATION_CHANNELS, NOTIFICATION_STATUSES, type NotificationChannel, type NotificationStatus } from './Notification.ts';
export { Setting } from './Setting.ts';
export { TelegramUser } from './TelegramUser.ts';

/** Every entity the ORM knows: the one list config, migrations and tests share. */
export const entities = [JobScheduleSchema, JobRunSchema, IdempotencyKeySchema, NotificationSchema, TelegramUserSchema, SettingSchema, CommandAuditSchema];
