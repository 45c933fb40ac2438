import { defineEntity, p } from '@mikro-orm/core';
import { BotInstanceSchema } from './BotInstance.ts';
import { DecimalText } from './DecimalText.ts';

/** One bot's results on one UTC day; `peak_pnl` is the day's best running pnl, from which the drawdown is measured. */
export const PerformanceMetricsSchema = defineEntity({
  name: 'PerformanceMetrics',
  tableName: 'performance_metrics',
  uniques: [{ properties: ['bot', 'day'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    bot: p.manyToOne(BotInstanceSchema),
    /** YYYY-MM-DD, UTC. */
    day: p.string().length(10),
    pnl: p.type(DecimalText).default('0'),
    trades: p.integer().default(0),
    /** Trades that realised a pnl (sells); wins are those whose pnl was positive, and win_rate is wins / closing_trades. */
    closing_trades: p.integer().default(0),
    wins: p.integer().default(0),
    win_rate: p.type(DecimalText).default('0'),
    peak_pnl: p.type(DecimalText).default('0'),
    max_drawdown: p.type(DecimalText).default('0'),
    updated_at: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export class PerformanceMetrics extends PerformanceMetricsSchema.class {}
PerformanceMetricsSchema.setClass(PerformanceMetrics);
