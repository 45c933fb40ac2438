import { proxyActivities, sleep } from '@temporalio/workflow';
import type { createBaselineActivities } from './baselineActivities.ts';

const { getPrice, sendNotification } = proxyActivities<ReturnType<typeof createBaselineActivities>>({ startToCloseTimeout: '10 seconds' });

/** The fire-accuracy baseline: started ahead, a bare workflow waits for its fire time, then runs the price alert's two no-op activities. */
export async function wakeBaselineWorkflow(fireTimeMs: number): Promise<void> {
  const wait = fireTimeMs - Date.now();
  if (wait > 0) await sleep(wait);
  await getPrice('BTCUSDT');
  await sendNotification();
}
