import { log } from '@temporalio/activity';
import { businessError } from '../lib/errors.ts';
import { candlesNeeded, indicatorReading, minimumCloses, type IndicatorReading } from '../lib/indicators.ts';
import type { IndicatorAlertParams } from '../lib/jobParams/indicatorAlert.ts';
import type { MarketDataProvider } from '../lib/marketData/index.ts';

export interface IndicatorDeps {
  marketData: MarketDataProvider;
}

export function createIndicatorActivities({ marketData }: IndicatorDeps) {
  return {
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
  };
}

export type IndicatorActivities = ReturnType<typeof createIndicatorActivities>;
