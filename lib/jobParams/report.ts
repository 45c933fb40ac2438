import { z } from 'zod';
import { CANDLE_INTERVALS } from './candleIntervals.ts';

/** Fewest candles a report reads: the 50-candle SMA needs them. */
export const MIN_REPORT_CANDLES = 60;
/** Most candles a report reads (one klines request, and a chart that stays legible). */
export const MAX_REPORT_CANDLES = 500;

/** task_params of a report: which candles it covers. */
export const reportParams = z.strictObject({
  interval: z.enum(CANDLE_INTERVALS).default('1h'),
  /** Closed candles the report covers, the chart included. */
  candles: z.number().int().min(MIN_REPORT_CANDLES).max(MAX_REPORT_CANDLES).default(120),
});

export type ReportParams = z.output<typeof reportParams>;
