import { workflowInfo } from '@temporalio/workflow';
import type { IndicatorActivities } from '../activities/indicators.ts';
import type { NotificationActivities } from '../activities/notifications.ts';
import type { IndicatorReading } from '../lib/indicators.ts';
import type { EntryIntent, OrderIntent, TradingActivities } from '../activities/trading.ts';
import type { StrategyExecutionParams } from '../lib/jobParams/strategyExecution.ts';
import { activitiesWithProfile } from './activityProfiles.ts';
import { SCHEDULED_START_TIME_KEY } from './names.ts';
import { placeSettled } from './placeSettled.ts';
import { runSaga, type Saga } from './saga.ts';
import type { JobInput } from './types.ts';

const { checkRisk, checkSellRisk, reserveBudget, recordTrade, consumeReservation } = activitiesWithProfile<TradingActivities>('database');
const { releaseReservation, undoOrder, markTradeFailed } = activitiesWithProfile<TradingActivities>('compensation');
const { sendNotification } = activitiesWithProfile<NotificationActivities>('notify');
const { evaluateSignal } = activitiesWithProfile<IndicatorActivities>('market_data');

export interface StrategyExecutionResult {
  client_order_id: string;
  trade_id: number;
  quantity: string;
  price: string;
  /** A sell's realised pnl. */
  realized_pnl?: string | null;
  /** `signal` runs only: the condition held at this indicator value. */
  signal?: true;
  indicator_value?: number;
}

/** A `signal` fire whose condition did not hold: nothing was reserved, placed or notified. */
export interface SignalNotMetResult {
  signal: false;
  indicator_value: number;
  price: number;
  candle_closed_at: string;
}

/**
 * A `signal` SELL whose condition held: sells `quote_amount` worth at the reading's price, bounded by the position
 * (checkSellRisk). A sale spends no budget, so nothing is reserved; its trade (which realises the pnl) is the last step
 * and needs no undo; a failure before it buys back whatever filled.
 */
async function sellFromPosition(saga: Saga, intent: EntryIntent, evaluation: IndicatorReading): Promise<StrategyExecutionResult> {
  const { client_order_id, quantity } = await checkSellRisk(intent, evaluation.price);
  const sale: OrderIntent = { bot_id: intent.bot_id, symbol: intent.symbol, side: 'SELL', quantity, origin: intent.origin };
  const order = await saga.step('order', () => placeSettled(sale, client_order_id), () => undoOrder(sale, client_order_id));
  const trade = await saga.step('trade', () => recordTrade(sale, order, null));
  return { client_order_id, trade_id: trade.trade_id, quantity: trade.quantity, price: trade.price, realized_pnl: trade.realized_pnl, signal: true, indicator_value: evaluation.value };
}

/**
 * strategy_execution. `signal` first reads its indicator condition (in an activity) and completes there when it does not
 * hold; `dca`, and a `signal` whose condition holds: risk check → reserve budget → place the market order → record the trade (position and the
 * day's performance with it) → consume the reservation → notify. Each state-changing step registers its undo once it
 * succeeded; on failure or cancellation they run newest first, then the failure is notified and the original error rethrown.
 */
export async function strategyExecutionWorkflow(job: JobInput<StrategyExecutionParams>): Promise<StrategyExecutionResult | SignalNotMetResult> {
  const info = workflowInfo();
  const params = job.task_params;
  // Only `signal` schedules this activity: dca runs issue the same commands as before, so their histories replay.
  const evaluation = params.strategy === 'signal' ? await evaluateSignal(job.target, params) : undefined;
  if (evaluation && !evaluation.holds) return { signal: false, indicator_value: evaluation.value, price: evaluation.price, candle_closed_at: evaluation.candle_closed_at };
  // The schedule's nominal fire time makes this run's order its own; a manual trigger has its own workflow ID instead.
  const scheduledAt = info.typedSearchAttributes.get(SCHEDULED_START_TIME_KEY);
  const intent: EntryIntent = {
    bot_id: params.bot_id,
    symbol: job.target,
    side: params.side,
    quote_amount: params.quote_amount,
    origin: { job_id: job.job_id, fire: scheduledAt ? scheduledAt.toISOString() : info.workflowId, leg: 'entry' },
  };
  const reservationKey = `${info.workflowId}/reserve`;
  const notification = (outcome: string, text: string, data: Record<string, unknown>) => ({
    idempotency_key: `${info.workflowId}/notify-${outcome}`,
    title: `${job.name}: ${outcome}`,
    text,
    job_id: job.job_id,
    user_id: job.user_id,
    data: { bot_id: params.bot_id, symbol: job.target, ...data },
  });

  const result = await runSaga(async (saga) => {
    // The first undo registered is the last to run: the owner hears of the failure once the books are back.
    await saga.step('arm_failure_notice', () => Promise.resolve(), () => sendNotification(notification('failed', `${params.strategy} ${params.side} ${params.quote_amount} ${job.target} failed and was rolled back`, {})));
    if (params.side === 'SELL') return sellFromPosition(saga, intent, evaluation!);
    const { client_order_id } = await checkRisk(intent);
    await saga.step('reserve', () => reserveBudget(params.bot_id, params.quote_amount, reservationKey), () => releaseReservation(reservationKey));
    const order = await saga.step('order', () => placeSettled(intent, client_order_id), () => undoOrder(intent, client_order_id));
    const trade = await saga.step('trade', () => recordTrade(intent, order, null), () => markTradeFailed(client_order_id));
    await saga.step('consume', () => consumeReservation(reservationKey));
    const traded = { client_order_id, trade_id: trade.trade_id, quantity: trade.quantity, price: trade.price };
    return evaluation ? { ...traded, signal: true as const, indicator_value: evaluation.value } : traded;
  });
  // Not a compensable step: the trade stands whatever becomes of its notice.
  await sendNotification(notification('filled', `${params.side} ${result.quantity} ${job.target} at ${result.price}`, { ...result }));
  return result;
}
