import { ApplicationFailure, isCancellation, workflowInfo } from '@temporalio/workflow';
import type { NotificationActivities } from '../activities/notifications.ts';
import type { PositionActivities, PositionExit } from '../activities/positions.ts';
import type { OrderIntent, TradingActivities } from '../activities/trading.ts';
import { activitiesWithProfile } from './activityProfiles.ts';
import { placeSettled } from './placeSettled.ts';
import { describeRunFailure } from './runFailure.ts';
import { compensationsOf, runSaga, type CompensationRecord } from './saga.ts';

const { checkClose } = activitiesWithProfile<PositionActivities>('database');
const { recordTrade } = activitiesWithProfile<TradingActivities>('database');
const { undoOrder } = activitiesWithProfile<TradingActivities>('compensation');
const { sendNotification } = activitiesWithProfile<NotificationActivities>('notify');

export interface ClosePositionInput {
  job_id: number;
  user_id: number;
  job_name: string;
  /** The monitor run's nominal fire time (or its workflow ID): with the position, what makes this close's order its own. */
  fire: string;
  exit: PositionExit;
}

export type ClosePositionResult =
  | { position_id: number; outcome: 'closed'; trigger: PositionExit['trigger']; level: string; client_order_id: string; trade_id: number; quantity: string; price: string; realized_pnl: string | null }
  | { position_id: number; outcome: 'already_closed' };

/** A failed close's failure details: the compensations its saga ran, for the monitor's JobRun. */
export type CloseFailureDetails = [CompensationRecord[]];

/**
 * position_monitor's child: sells the whole position at market once its stop-loss or take-profit is reached. Check (kill
 * switch off, position still open) → place the sell (its client ID from the monitor's fire and the position) → record the
 * trade, which closes the position and realises its pnl. A failure or cancellation undoes the sale (cancel, or buy back
 * what filled) and notifies; the close then fails with the original error's type and message.
 */
export async function closePositionWorkflow(input: ClosePositionInput): Promise<ClosePositionResult> {
  const { exit } = input;
  const info = workflowInfo();
  const origin = { job_id: input.job_id, fire: input.fire, leg: `close-${exit.position_id}` };
  // The workflow ID is the position's, reused by later closes: the run ID keeps each close's notices its own.
  const notification = (outcome: string, text: string, data: Record<string, unknown>) => ({
    idempotency_key: `${info.workflowId}/${info.runId}/notify-${outcome}`,
    title: `${input.job_name}: ${outcome}`,
    text,
    job_id: input.job_id,
    user_id: input.user_id,
    data: { position_id: exit.position_id, symbol: exit.symbol, trigger: exit.trigger, level: exit.level, ...data },
  });

  try {
    const closed = await runSaga(async (saga) => {
      await saga.step('arm_failure_notice', () => Promise.resolve(), () => sendNotification(notification('close-failed', `${exit.trigger} close of ${exit.symbol} position ${exit.position_id} failed and was rolled back`, {})));
      const close = await checkClose(exit.position_id, origin);
      if (!close) return null;
      const intent: OrderIntent = { bot_id: close.bot_id, symbol: close.symbol, side: 'SELL', quantity: close.quantity, origin };
      const order = await saga.step('order', () => placeSettled(intent, close.client_order_id), () => undoOrder(intent, close.client_order_id));
      // The last step: nothing after it can fail, so it needs no undo (a retry finds the trade by its client order ID).
      const trade = await saga.step('trade', () => recordTrade(intent, order, null));
      return { position_id: exit.position_id, outcome: 'closed' as const, trigger: exit.trigger, level: exit.level, client_order_id: close.client_order_id, trade_id: trade.trade_id, quantity: trade.quantity, price: trade.price, realized_pnl: trade.realized_pnl };
    });
    if (!closed) return { position_id: exit.position_id, outcome: 'already_closed' };
    await sendNotification(notification('closed', `${exit.trigger}: sold ${closed.quantity} ${exit.symbol} at ${closed.price}, pnl ${closed.realized_pnl}`, { ...closed }));
    return closed;
  } catch (error) {
    if (isCancellation(error)) throw error;
    // The original type and message, with the compensations that ran: the monitor's JobRun shows both.
    const { type, message } = describeRunFailure(error);
    const details: CloseFailureDetails = [compensationsOf(error) ?? []];
    throw ApplicationFailure.create({ type, message, nonRetryable: true, details, cause: error instanceof Error ? error : undefined });
  }
}
