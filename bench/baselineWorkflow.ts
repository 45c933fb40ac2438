import { proxyActivities } from '@temporalio/workflow';
import type { createBaselineActivities } from './baselineActivities.ts';

const { noop } = proxyActivities<ReturnType<typeof createBaselineActivities>>({ startToCloseTimeout: '10 seconds' });

/** The benchmark's baseline: the least a workflow with one activity can do. */
export async function baselineWorkflow(): Promise<void> {
  await noop();
}
