// The data that crosses the workflow boundary: JSON only, snake_case like the API.

/** What a job workflow receives: the job as it was when the run was started (the run's job_snapshot). */
export interface JobInput {
  job_id: number;
  user_id: number;
  name: string;
  job_type: string;
  target: string;
  task_params: Record<string, unknown>;
}

/** Memo of every job workflow and schedule: what the Web UI and the run recorder read. */
export interface JobMemo {
  job_id: number;
  name: string;
  job_type: string;
  user_id: number;
}

export const PRICE_CONDITIONS = ['above', 'below'] as const;
export type PriceCondition = (typeof PRICE_CONDITIONS)[number];

export interface PriceAlertParams {
  condition: PriceCondition;
  value: number;
}

export interface PriceAlertResult {
  alert_triggered: boolean;
  current_price: number;
  notification_sent: boolean;
}
