import { log } from '@temporalio/activity';
import { businessError } from '../lib/errors.ts';
import { candlesNeeded, indicatorReading, minimumCloses, type IndicatorReading } from '../lib/indicators.ts';
import type { IndicatorAlertParams } from '../lib/jobParams/indicatorAlert.ts';
import type { MarketDataProvider } from '../lib/marketData/index.ts';
import { indicatorConditionHolds } from '../workflows/indicatorCondition.ts';

export interface IndicatorDeps {
  marketData: MarketDataProvider;
}

/** A signal strategy's verdict on one fire: whether its condition holds on the reading. */
export interface SignalEvaluation extends IndicatorReading {
  holds: boolean;
}

export function createIndicatorActivities({ marketData }: IndicatorDeps) {
  const activities = {
    async readIndicator(symbol: string, params: IndicatorAlertParams): Promise<IndicatorReading> {
      // One more than needed: the newest candle is usually still open.
      const candles = await marketData.getKlines(symbol, params.interval, candlesNeeded(params) + 1);
      const reading = indicatorReading(params, candles, Date.now());
      if (!reading) {
        const closed = candles.filter((candle) => candle.close_time < Date.now()).length;
        throw businessError('InsufficientMarketData', `${symbol} has ${closed} closed ${params.interval} candles; ${params.indicator} needs at least ${minimumCloses(params)}`);
      }
      log.info('indicator read', { provider: marketData.name, symbol, indicator: params.indicator, interval: params.interval, ...reading });
      return reading;
    },

    /** The signal strategy's check, in an activity so the workflow only sees the verdict; same reading and condition as the indicator alert. */
    async evaluateSignal(symbol: string, params: IndicatorAlertParams): Promise<SignalEvaluation> {
      const reading = await activities.readIndicator(symbol, params);
      return { ...reading, holds: indicatorConditionHolds(params, reading) };
    },
  };
  return activities;
}

export type IndicatorActivities = ReturnType<typeof createIndicatorActivities>;
