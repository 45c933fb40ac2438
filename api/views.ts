import type { Alert, ErrorEvent, FireRecord, JobSchedule } from '../db/entities/index.ts';
import type { RunRow } from '../db/repositories/jobRuns.ts';
import type { LiveSchedule } from '../lib/jobScheduler.ts';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

export function jobView(job: JobSchedule) {
  return {
    id: job.id,
    user_id: job.user_id,
    name: job.name,
    job_type: job.job_type,
    target: job.target,
    task_params: job.task_params,
    cron: job.cron,
    timezone: job.timezone,
    enabled: job.enabled,
    pause_note: job.pause_note ?? null,
    overlap: job.overlap,
    catchup_window: job.catchup_window,
    jitter: job.jitter,
    pause_on_failure: job.pause_on_failure,
    pause_after_failures: job.pause_after_failures,
    start_at: iso(job.start_at),
    end_at: iso(job.end_at),
    remaining_actions: job.remaining_actions ?? null,
    max_instances: job.max_instances ?? null,
    next_run_at: iso(job.next_run_at),
    created_at: iso(job.created_at),
    updated_at: iso(job.updated_at),
    schedule_id: job.schedule_id,
  };
}

export function jobWithScheduleView(job: JobSchedule, schedule: LiveSchedule | null) {
  return { ...jobView(job), schedule };
}

export function runView(run: RunRow) {
  return {
    run_id: run.run_id,
    job_type: run.job_type,
    job_id: run.job_id,
    user_id: run.user_id,
    status: run.status,
    scheduled_for: iso(run.scheduled_for),
    enqueued_at: iso(run.enqueued_at),
    started_at: iso(run.started_at),
    finished_at: iso(run.finished_at),
    job_snapshot: run.job_snapshot,
    result: run.result,
    error: run.error,
    worker_id: run.worker_id,
    workflow_id: run.workflow_id,
    temporal_run_id: run.temporal_run_id,
  };
}

export function fireView(fire: FireRecord) {
  return {
    job_id: fire.job_id,
    nominal_time: fire.nominal_time.toISOString(),
    outcome: fire.outcome,
    reason: fire.reason ?? null,
    delay_ms: fire.delay_ms ?? null,
    run_id: fire.run_id ?? null,
    settled_at: iso(fire.settled_at),
  };
}

export function alertView(alert: Alert) {
  return {
    id: alert.id,
    job_id: alert.job_id,
    job_type: alert.job_type,
    user_id: alert.user_id,
    symbol: alert.symbol,
    condition: alert.condition,
    value: alert.value,
    price: alert.price,
    fired_at: iso(alert.fired_at),
    workflow_id: alert.workflow_id,
    temporal_run_id: alert.temporal_run_id,
  };
}

export function errorEventView(event: ErrorEvent) {
  return {
    event_id: event.event_id,
    timestamp: iso(event.timestamp),
    severity: event.severity,
    component: event.component,
    error_type: event.error_type,
    message: event.message,
    context: event.context ?? null,
    stack_trace: event.stack_trace ?? null,
    user_id: event.user_id ?? null,
    session_id: event.session_id ?? null,
    resolved: event.resolved,
    resolution_time: iso(event.resolution_time),
  };
}
