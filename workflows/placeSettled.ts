import { ActivityFailure, ApplicationFailure, patched, sleep, TimeoutFailure } from '@temporalio/workflow';
import type { OrderIntent, TradingActivities } from '../activities/trading.ts';
import type { ExchangeOrder } from '../lib/exchange/exchange.ts';
import { activitiesWithProfile } from './activityProfiles.ts';

const { placeOrder } = activitiesWithProfile<TradingActivities>('exchange_order');
const { settleOrder } = activitiesWithProfile<TradingActivities>('database');

/** Patch: the last placement's unclear answer is settled too, before the run gives up and compensates. */
const SETTLE_LAST_PLACEMENT = 'settle-last-placement';

/** Placements of one order before the run gives up: each follows a settlement that found the order absent for good. */
const MAX_PLACEMENTS = 3;

/** A placement whose answer was lost (OrderOutcomeUnknown, or the worker died and the activity timed out): the order may exist. */
const outcomeUnknown = (error: unknown) =>
  error instanceof ActivityFailure && ((error.cause instanceof ApplicationFailure && error.cause.type === 'OrderOutcomeUnknown') || error.cause instanceof TimeoutFailure);

/**
 * Places the order once: after an unclear answer it is looked up by client ID (settled with recvWindow) before anything
 * else happens, the last placement's included, so the run's undo never races a request that may still land.
 */
export async function placeSettled(intent: OrderIntent, clientOrderId: string): Promise<ExchangeOrder> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await placeOrder(intent, clientOrderId)).order;
    } catch (error) {
      if (!outcomeUnknown(error)) throw error;
      const last = attempt >= MAX_PLACEMENTS;
      // Before the patch the last placement gave up unsettled, and its undo could race a request still in flight.
      if (last && !patched(SETTLE_LAST_PLACEMENT)) throw error;
      // Workflow time now is later than the request was sent: a safe bound for recvWindow.
      const sentNoLaterThan = Date.now();
      for (;;) {
        const settlement = await settleOrder(intent.bot_id, intent.symbol, clientOrderId, sentNoLaterThan);
        if (settlement.state === 'exists') return settlement.order;
        if (settlement.state === 'absent') break;
        await sleep(settlement.retryInMs);
      }
      // Settled absent: nothing of it can land any more, so giving up leaves nothing behind.
      if (last) throw error;
    }
  }
}
