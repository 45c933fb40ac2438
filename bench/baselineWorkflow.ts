import { proxyActivities } from '@temporalio/workflow';
import type { createBaselineActivities } from './baselineActivities.ts';

const { getPrice, sendNotification } = proxyActivities<ReturnType<typeof createBaselineActivities>>({ startToCloseTimeout: '10 seconds' });

/** The benchmark's fair baseline: the price alert's two activities (price, then notify), no run recording, no checks. */
export async function baselineWorkflow(symbol: string): Promise<void> {
  await getPrice(symbol);
  await sendNotification();
}
