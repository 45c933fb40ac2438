import { FireRecordSchema } from './FireRecord.ts';
import { AlertSchema } from './Alert.ts';
import { CircuitBreakerRecordSchema } from './CircuitBreakerRecord.ts';
import { ErrorEventSchema } from './ErrorEvent.ts';
import { IdempotencyKeySchema } from './IdempotencyKey.ts';
import { JobRunSchema } from './JobRun.ts';
import { JobScheduleSchema } from './JobSchedule.ts';
import { PriceAlertStateSchema } from './PriceAlertState.ts';
import { ReportSchema } from './Report.ts';

export { FIRE_OUTCOMES, FireRecord, type FireOutcome } from './FireRecord.ts';
export { Alert } from './Alert.ts';
export { CircuitBreakerRecord } from './CircuitBreakerRecord.ts';
export { ERROR_SEVERITIES, ErrorEvent, type ErrorSeverity } from './ErrorEvent.ts';
export { IdempotencyKey, type StoredResponse } from './IdempotencyKey.ts';
export { JobRun, RUN_STATUSES, type RunError, type RunStatus } from './JobRun.ts';
export { JOB_STATES, JobSchedule, type JobState } from './JobSchedule.ts';
export { PriceAlertState } from './PriceAlertState.ts';
export { Report, type ReportSummary } from './Report.ts';

/** Every entity the ORM knows: the one list config, migrations and tests share. */
export const entities = [JobScheduleSchema, JobRunSchema, IdempotencyKeySchema, FireRecordSchema, AlertSchema, PriceAlertStateSchema, ReportSchema, ErrorEventSchema, CircuitBreakerRecordSchema];
