import { describe, expect, it } from 'vitest';
import { activeTaskQueues, JOB_TYPES, jobTypeDefinition, jobTypesOn, TASK_QUEUES } from '../../lib/jobTypes.ts';
import * as workflows from '../../workflows/index.ts';

describe('the job type registry', () => {
  it('names only workflows that workflows/index.ts exports, and every exported workflow has a job type', () => {
    const exported = Object.keys(workflows).toSorted();
    const registered = [...new Set(Object.values(JOB_TYPES).map((definition) => definition.workflow))].toSorted();
    expect(registered).toEqual(exported);
    for (const name of registered) expect(typeof workflows[name], name).toBe('function');
  });

  it('puts every job type on a contract task queue, with activities and run options', () => {
    for (const [jobType, definition] of Object.entries(JOB_TYPES)) {
      expect(TASK_QUEUES, jobType).toContain(definition.taskQueue);
      expect(definition.activities.length, jobType).toBeGreaterThan(0);
      expect(definition.run.executionTimeoutMs, jobType).toBeGreaterThan(0);
      expect(jobTypesOn(definition.taskQueue), jobType).toContain(definition);
    }
    expect(activeTaskQueues()).toEqual(TASK_QUEUES.filter((queue) => jobTypesOn(queue).length > 0));
  });

  it('finds only its own job types, not inherited object keys', () => {
    expect(jobTypeDefinition('price_alert')).toBe(JOB_TYPES.price_alert);
    expect(jobTypeDefinition('toString')).toBeUndefined();
    expect(jobTypeDefinition('moon_shot')).toBeUndefined();
  });

  it('parses price alert params with their defaults, as the seed sends them', () => {
    expect(JOB_TYPES.price_alert.taskParams.parse({ condition: 'above', value: 50_000 })).toEqual({ condition: 'above', value: 50_000, timeframe: '1m' });
    expect(JOB_TYPES.price_alert.taskParams.parse({ condition: 'above', value: 50_000, timeframe: '5m' })).toMatchObject({ timeframe: '5m' });
    expect(JOB_TYPES.price_alert.taskParams.safeParse({ condition: 'above', value: 50_000, timeframe: '7m' }).success).toBe(false);
  });
});
