/** A valid POST /jobs body for a price alert that never fires by itself; override what a test is about. */
export function priceAlertJob(overrides: Record<string, unknown> = {}) {
  return {
    name: 'BTC over 50k',
    job_type: 'price_alert',
    target: 'BTCUSDT',
    task_params: { condition: 'above', value: 50_000 },
    cron: '0 0 1 1 *',
    user_id: 7,
    ...overrides,
  };
}

/** A valid POST /jobs body for an indicator alert (RSI 14 on hourly candles) that never fires by itself; override what a test is about. */
export function indicatorAlertJob(overrides: Record<string, unknown> = {}) {
  return {
    name: 'BTC RSI oversold',
    job_type: 'indicator_alert',
    target: 'BTCUSDT',
    task_params: { indicator: 'rsi', condition: 'below', value: 30 },
    cron: '0 0 1 1 *',
    user_id: 7,
    ...overrides,
  };
}
