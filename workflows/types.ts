// The data that crosses the workflow boundary: JSON only, snake_case like the API.

/** What a job workflow receives: the job as it was when the run was started (the run's job_snapshot). */
export interface JobInput<P = Record<string, unknown>> {
  job_id: number;
  user_id: number;
  name: string;
  job_type: string;
  target: string;
  /** Already validated and defaulted by the job type's schema when the job was saved. */
  task_params: P;
}

/** Memo of every job workflow and schedule: what the Web UI and the run recorder read. */
export interface JobMemo {
  job_id: number;
  name: string;
  job_type: string;
  user_id: number;
  /** The schedule fires this long before each fire time; the run waits for the time itself (lib/startAhead.ts). */
  start_ahead_ms?: number;
}

export interface PriceAlertResult {
  alert_triggered: boolean;
  current_price: number;
  /** The market data provider could not answer and the last known price stood in (lib/recovery.ts, fallback)... */
  price_stale?: boolean;
  /** ...taken at this ISO time. */
  price_at?: string;
  /** For `change_pct`: the move over the timeframe, in percent. */
  change_pct?: number;
  notification_sent: boolean;
  /** For a one-shot alert that fired: whether its job was disabled (false when it was already gone). */
  job_disabled?: boolean;
}

export interface IndicatorAlertResult {
  alert_triggered: boolean;
  indicator: string;
  /** The indicator's value on the last closed candle (for Bollinger alerts, the band compared with the price). */
  value: number;
  current_price: number;
  notification_sent: boolean;
}

export interface ReportResult {
  report_id: number;
  last_price: number;
  trend: string;
  notification_sent: boolean;
  /** Non-critical steps skipped because they failed (`chart`: delivered without its chart). */
  degraded?: string[];
}

export interface MaintenanceResult {
  /** Rows deleted per table (tables missing from this database left out). */
  deleted?: Record<string, number>;
  /** The statements that refreshed statistics and returned free space. */
  optimized?: string[];
  /** What the schedule reconciler changed: job ids (schedule ids for `deleted`). */
  reconciled?: { settled: number[]; recreated: number[]; updated: number[]; deleted: string[]; adopted_pause: number[] };
}

/** What a notification_batch run did, over all its rounds. */
export interface NotificationBatchResult {
  rounds: number;
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}
