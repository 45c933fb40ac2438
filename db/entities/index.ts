import { CircuitBreakerRecordSchema } from './CircuitBreakerRecord.ts';
import { ErrorEventSchema } from './ErrorEvent.ts';
import { IdempotencyKeySchema } from './IdempotencyKey.ts';
import { JobRunSchema } from './JobRun.ts';
import { JobScheduleSchema } from './JobSchedule.ts';

export { CircuitBreakerRecord } from './CircuitBreakerRecord.ts';
export { ERROR_SEVERITIES, ErrorEvent, type ErrorSeverity } from './ErrorEvent.ts';
export { IdempotencyKey, type StoredResponse } from './IdempotencyKey.ts';
export { JobRun, RUN_STATUSES, type RunError, type RunStatus } from './JobRun.ts';
export { JOB_STATES, JobSchedule, type JobState } from './JobSchedule.ts';

/** Every entity the ORM knows: the one list config, migrations and tests share. */
export const entities = [JobScheduleSchema, JobRunSchema, IdempotencyKeySchema, ErrorEventSchema, CircuitBreakerRecordSchema];
