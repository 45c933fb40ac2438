import { IdempotencyKeySchema } from './IdempotencyKey.ts';
import { JobRunSchema } from './JobRun.ts';
import { JobScheduleSchema } from './JobSchedule.ts';
import { BotInstanceSchema } from './BotInstance.ts';
import { BudgetReservationSchema } from './BudgetReservation.ts';
import { OrderSchema } from './Order.ts';
import { PerformanceMetricsSchema } from './PerformanceMetrics.ts';
import { PositionSchema } from './Position.ts';
import { TradeSchema } from './Trade.ts';

export { IdempotencyKey, type StoredResponse } from './IdempotencyKey.ts';
export { JobRun, RUN_STATUSES, type RunError, type RunStatus } from './JobRun.ts';
export { JOB_STATES, JobSchedule, type JobState } from './JobSchedule.ts';
export { BOT_STATUSES, BotInstance, type BotStatus } from './BotInstance.ts';
export { BudgetReservation, RESERVATION_STATUSES, type ReservationStatus } from './BudgetReservation.ts';
export { Order } from './Order.ts';
export { PerformanceMetrics } from './PerformanceMetrics.ts';
export { Position, POSITION_STATUSES, type PositionStatus } from './Position.ts';
export { Trade, TRADE_STATUSES, type TradeStatus } from './Trade.ts';
export * from './tradingEnums.ts';

/** Every entity the ORM knows: the one list config, migrations and tests share. */
export const entities = [
  JobScheduleSchema,
  JobRunSchema,
  IdempotencyKeySchema,
  BotInstanceSchema,
  OrderSchema,
  TradeSchema,
  PositionSchema,
  PerformanceMetricsSchema,
  BudgetReservationSchema,
];
