import { ActivityFailure, ApplicationFailure, sleep, TimeoutFailure } from '@temporalio/workflow';
import type { OrderIntent, TradingActivities } from '../activities/trading.ts';
import type { ExchangeOrder } from '../lib/exchange/exchange.ts';
import { activitiesWithProfile } from './activityProfiles.ts';

const { placeOrder } = activitiesWithProfile<TradingActivities>('exchange_order');
const { settleOrder } = activitiesWithProfile<TradingActivities>('database');

/** Placements of one order before the run gives up: each follows a settlement that found the order absent for good. */
const MAX_PLACEMENTS = 3;

/** A placement whose answer was lost (OrderOutcomeUnknown, or the worker died and the activity timed out): the order may exist. */
const outcomeUnknown = (error: unknown) =>
  error instanceof ActivityFailure && ((error.cause instanceof ApplicationFailure && error.cause.type === 'OrderOutcomeUnknown') || error.cause instanceof TimeoutFailure);

/** Places the order once: after an unclear answer it is looked up by client ID (settled with recvWindow) before anything else happens. */
export async function placeSettled(intent: OrderIntent, clientOrderId: string): Promise<ExchangeOrder> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await placeOrder(intent, clientOrderId)).order;
    } catch (error) {
      if (!outcomeUnknown(error) || attempt >= MAX_PLACEMENTS) throw error;
      // Workflow time now is later than the request was sent: a safe bound for recvWindow.
      const sentNoLaterThan = Date.now();
      for (;;) {
        const settlement = await settleOrder(intent.bot_id, intent.symbol, clientOrderId, sentNoLaterThan);
        if (settlement.state === 'exists') return settlement.order;
        if (settlement.state === 'absent') break;
        await sleep(settlement.retryInMs);
      }
    }
  }
}
