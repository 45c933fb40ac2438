import type { PriceAlertParams } from '../lib/jobParams/priceAlert.ts';

/** What a price alert keeps between runs (durably, per job): the last price seen and whether it may fire. */
export interface PriceAlertState {
  /** The price of the previous run; null before the first. */
  last_price: number | null;
  /** False after a one-shot or re-arm alert fired, until (for re-arm) the price went back across. */
  armed: boolean;
}

/** One run's reading: the price, and for `change_pct` the move within the latest `timeframe` candle. */
export interface PriceObservation {
  price: number;
  change_pct?: number;
}

export interface PriceDecision {
  triggered: boolean;
  next: PriceAlertState;
}

export const INITIAL_PRICE_ALERT_STATE: PriceAlertState = { last_price: null, armed: true };

/** Whether the reading is on the firing side of the threshold (the crosses ask this of the price alone); inclusive, like `above`/`below`. */
export function onFiringSide(params: Pick<PriceAlertParams, 'condition' | 'value'>, observation: PriceObservation): boolean {
  const { condition, value } = params;
  switch (condition) {
    case 'above':
    case 'crosses_above':
      return observation.price >= value;
    case 'below':
    case 'crosses_below':
      return observation.price <= value;
    case 'change_pct': {
      const change = observation.change_pct ?? 0;
      return value > 0 ? change >= value : change <= value;
    }
  }
}

/**
 * Whether the condition holds on this reading, given the previous price. A cross needs the previous price strictly on
 * the other side, so a price resting on the threshold fires once; the first run (no previous price) never crosses.
 */
export function priceConditionHolds(params: Pick<PriceAlertParams, 'condition' | 'value'>, observation: PriceObservation, previousPrice: number | null): boolean {
  const now = onFiringSide(params, observation);
  if (params.condition === 'crosses_above') return now && previousPrice !== null && previousPrice < params.value;
  if (params.condition === 'crosses_below') return now && previousPrice !== null && previousPrice > params.value;
  return now;
}

/**
 * One run of a price alert: whether it fires, and the state the next run starts from. `once` never fires again;
 * `rearm` fires again only after a reading off the firing side; `every_time` fires whenever the condition holds.
 */
export function decidePriceAlert(params: Pick<PriceAlertParams, 'condition' | 'value' | 'mode'>, state: PriceAlertState, observation: PriceObservation): PriceDecision {
  const holds = priceConditionHolds(params, observation, state.last_price);
  const triggered = holds && (params.mode === 'every_time' || state.armed);
  let armed: boolean;
  switch (params.mode) {
    case 'every_time':
      armed = true;
      break;
    case 'once':
      armed = state.armed && !triggered;
      break;
    case 'rearm':
      armed = triggered ? false : state.armed || !onFiringSide(params, observation);
      break;
  }
  return { triggered, next: { last_price: observation.price, armed } };
}
