import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { JOB_TYPES, type TaskQueue } from '../../lib/jobTypes.ts';
import { bundleQueueWorkflows } from '../../workers/createWorker.ts';

// Histories of real runs (npm run test:record-histories) replayed against today's workflow code and interceptors:
// a change that would break a run in flight fails here, before it reaches a worker.

const historiesDir = join(import.meta.dirname, 'histories');
const histories = readdirSync(historiesDir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => {
    const history = JSON.parse(readFileSync(join(historiesDir, file), 'utf8')) as { events: { workflowExecutionStartedEventAttributes?: { workflowType: { name: string }; taskQueue: { name: TaskQueue } } }[] };
    const started = history.events[0]!.workflowExecutionStartedEventAttributes!;
    return { file, history, workflowType: started.workflowType.name, queue: started.taskQueue.name };
  });

const bundles = new Map<TaskQueue, Promise<WorkflowBundle>>();
const bundleFor = (queue: TaskQueue) => bundles.get(queue) ?? bundles.set(queue, bundleQueueWorkflows(queue)).get(queue)!;

describe('replay of recorded histories', () => {
  it('has a recorded history for every workflow of every job type', () => {
    const recorded = new Set(histories.map((h) => h.workflowType));
    for (const definition of Object.values(JOB_TYPES)) {
      for (const workflow of [definition.workflow, ...(definition.childWorkflows ?? [])]) expect(recorded, `record a history for ${workflow}`).toContain(workflow);
    }
  });

  it.each(histories)('replays $file deterministically', async ({ history, queue }) => {
    await Worker.runReplayHistory({ workflowBundle: await bundleFor(queue), replayName: 'keel-replay' }, history);
  }, 60_000);

  it('fails on a workflow change that would break runs in flight', async () => {
    const changed = await bundleWorkflowCode({
      workflowsPath: join(import.meta.dirname, 'fixtures', 'reorderedPriceAlert.ts'),
      workflowInterceptorModules: [join(import.meta.dirname, '..', '..', 'workflows', 'jobRunInterceptor.ts')],
    });
    const fires = histories.find((h) => h.file === 'price-alert-fires.json')!;
    await expect(Worker.runReplayHistory({ workflowBundle: changed, replayName: 'keel-replay-changed' }, fires.history)).rejects.toMatchObject({ name: 'DeterminismViolationError', message: expect.stringContaining('Nondeterminism') });
  }, 60_000);
});
