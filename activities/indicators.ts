import { log } from '@temporalio/activity';
import { businessError } from '../lib/errors.ts';
import { candlesNeeded, indicatorSeries, minimumCloses } from '../lib/indicators.ts';
import type { IndicatorAlertParams } from '../lib/jobParams/indicatorAlert.ts';
import type { MarketDataProvider } from '../lib/marketData/index.ts';

export interface IndicatorDeps {
  marketData: MarketDataProvider;
}

/** What an indicator alert decides on: the series on the last two closed candles, and the latest price. */
export interface IndicatorReading {
  /** The series on the last closed candle (for Bollinger alerts, the band the condition names). */
  value: number;
  /** The series on the closed candle before it: what the crosses compare against. */
  previous: number;
  /** The latest close, the open candle's if there is one. */
  price: number;
  /** ISO close time of the last closed candle. */
  candle_closed_at: string;
}

export function createIndicatorActivities({ marketData }: IndicatorDeps) {
  return {
    async readIndicator(symbol: string, params: IndicatorAlertParams): Promise<IndicatorReading> {
      // One more than needed: the newest candle is usually still open.
      const candles = await marketData.getKlines(symbol, params.interval, candlesNeeded(params) + 1);
      const now = Date.now();
      // Only closed candles count, so every run within one candle reads the same values.
      const closed = candles.filter((candle) => candle.close_time < now);
      const values = indicatorSeries(params, closed.map((candle) => candle.close));
      const price = candles.at(-1)?.close;
      if (values.length < 2 || price === undefined) {
        throw businessError('InsufficientMarketData', `${symbol} has ${closed.length} closed ${params.interval} candles; ${params.indicator} needs at least ${minimumCloses(params)}`);
      }
      const reading = { value: values.at(-1)!, previous: values.at(-2)!, price, candle_closed_at: new Date(closed.at(-1)!.close_time).toISOString() };
      log.info('indicator read', { provider: marketData.name, symbol, indicator: params.indicator, interval: params.interval, ...reading });
      return reading;
    },
  };
}

export type IndicatorActivities = ReturnType<typeof createIndicatorActivities>;
