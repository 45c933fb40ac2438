import { FireRecordSchema } from './FireRecord.ts';
import { AlertSchema } from './Alert.ts';
import { CircuitBreakerRecordSchema } from './CircuitBreakerRecord.ts';
import { ErrorEventSchema } from './ErrorEvent.ts';
import { IdempotencyKeySchema } from './IdempotencyKey.ts';
import { JobRunSchema } from './JobRun.ts';
import { JobScheduleSchema } from './JobSchedule.ts';
import { PriceAlertStateSchema } from './PriceAlertState.ts';
import { ReportSchema } from './Report.ts';
import { CommandAuditSchema } from './CommandAudit.ts';
import { NotificationSchema } from './Notification.ts';
import { SettingSchema } from './Setting.ts';
import { TelegramUserSchema } from './TelegramUser.ts';
import { BotInstanceSchema } from './BotInstance.ts';
import { BudgetReservationSchema } from './BudgetReservation.ts';
import { OrderSchema } from './Order.ts';
import { PerformanceMetricsSchema } from './PerformanceMetrics.ts';
import { PositionSchema } from './Position.ts';
import { TradeSchema } from './Trade.ts';
import { PaperOrderSchema } from './PaperOrder.ts';
import { KillSwitchEngagementSchema } from './KillSwitchEngagement.ts';

export { FIRE_OUTCOMES, FireRecord, type FireOutcome } from './FireRecord.ts';
export { Alert } from './Alert.ts';
export { CircuitBreakerRecord } from './CircuitBreakerRecord.ts';
export { ERROR_SEVERITIES, ErrorEvent, type ErrorSeverity } from './ErrorEvent.ts';
export { IdempotencyKey, type StoredResponse } from './IdempotencyKey.ts';
export { JobRun, RUN_STATUSES, type RunError, type RunStatus } from './JobRun.ts';
export { JOB_STATES, JobSchedule, type JobState } from './JobSchedule.ts';
export { PriceAlertState } from './PriceAlertState.ts';
export { Report, type ReportSummary } from './Report.ts';

export { CommandAudit } from './CommandAudit.ts';
export { Notification, NOTIFICATION_CHANNELS, NOTIFICATION_STATUSES, type NotificationChannel, type NotificationStatus } from './Notification.ts';
export { Setting } from './Setting.ts';
export { TelegramUser } from './TelegramUser.ts';
export { BOT_STATUSES, BotInstance, type BotStatus } from './BotInstance.ts';
export { BudgetReservation, RESERVATION_STATUSES, type ReservationStatus } from './BudgetReservation.ts';
export { Order } from './Order.ts';
export { PerformanceMetrics } from './PerformanceMetrics.ts';
export { Position, POSITION_STATUSES, type PositionStatus } from './Position.ts';
export { Trade, TRADE_STATUSES, type TradeStatus } from './Trade.ts';
export { PAPER_ORDER_STATUSES, PaperOrder, type PaperOrderStatus } from './PaperOrder.ts';
export { KillSwitchEngagement } from './KillSwitchEngagement.ts';
export * from './tradingEnums.ts';

/** Every entity the ORM knows: the one list config, migrations and tests share. */
export const entities = [
  JobScheduleSchema,
  JobRunSchema,
  IdempotencyKeySchema,
  FireRecordSchema,
  AlertSchema,
  PriceAlertStateSchema,
  ReportSchema,
  ErrorEventSchema,
  CircuitBreakerRecordSchema,
  NotificationSchema,
  TelegramUserSchema,
  SettingSchema,
  CommandAuditSchema,
  BotInstanceSchema,
  OrderSchema,
  TradeSchema,
  PositionSchema,
  PerformanceMetricsSchema,
  BudgetReservationSchema,
  PaperOrderSchema,
  KillSwitchEngagementSchema,
];
