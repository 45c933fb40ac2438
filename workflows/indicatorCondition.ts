import type { IndicatorReading } from '../lib/indicators.ts';
import type { IndicatorAlertParams } from '../lib/jobParams/indicatorAlert.ts';

/**
 * Whether an indicator alert's condition holds. `above`/`below` are inclusive, like price alerts; a cross needs the
 * previous closed value strictly on the other side, so a series resting on the threshold does not fire twice.
 */
export function indicatorConditionHolds(params: IndicatorAlertParams, reading: Pick<IndicatorReading, 'value' | 'previous' | 'price'>): boolean {
  const { value, previous, price } = reading;
  if (params.indicator === 'bollinger') return params.condition === 'price_above_upper' ? price >= value : price <= value;
  const threshold = params.value;
  switch (params.condition) {
    case 'above':
      return value >= threshold;
    case 'below':
      return value <= threshold;
    case 'crosses_above':
      return previous < threshold && value >= threshold;
    case 'crosses_below':
      return previous > threshold && value <= threshold;
  }
}
