import { describe, expect, it } from 'vitest';
import { activeTaskQueues, JOB_TYPES, jobTypeDefinition, jobTypesOn, TASK_QUEUES } from '../../lib/jobTypes.ts';
import * as workflows from '../../workflows/index.ts';

describe('the job type registry', () => {
  it('names only workflows that workflows/index.ts exports, and every exported workflow has a job type (or is a child of one)', () => {
    const exported = Object.keys(workflows).toSorted();
    const registered = [...new Set(Object.values(JOB_TYPES).flatMap((definition) => [definition.workflow, ...(definition.childWorkflows ?? [])]))].toSorted();
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
    expect(JOB_TYPES.price_alert.taskParams.parse({ condition: 'above', value: 50_000 })).toEqual({ condition: 'above', value: 50_000, timeframe: '1m', mode: 'every_time' });
    expect(JOB_TYPES.price_alert.taskParams.parse({ condition: 'above', value: 50_000, timeframe: '5m' })).toMatchObject({ timeframe: '5m' });
    expect(JOB_TYPES.price_alert.taskParams.safeParse({ condition: 'above', value: 50_000, timeframe: '7m' }).success).toBe(false);
  });

  it('parses indicator alert params with per-indicator defaults, and refuses by field what cannot be evaluated', () => {
    const params = JOB_TYPES.indicator_alert.taskParams;
    expect(params.parse({ indicator: 'rsi', condition: 'below', value: 30 })).toEqual({ indicator: 'rsi', period: 14, interval: '1h', condition: 'below', value: 30 });
    expect(params.parse({ indicator: 'macd', condition: 'crosses_above', value: 0 })).toEqual({ indicator: 'macd', fast_period: 12, slow_period: 26, signal_period: 9, line: 'histogram', interval: '1h', condition: 'crosses_above', value: 0 });
    expect(params.parse({ indicator: 'bollinger', condition: 'price_below_lower' })).toEqual({ indicator: 'bollinger', period: 20, std_dev: 2, interval: '1h', condition: 'price_below_lower' });
    const refused = (raw: unknown) => {
      const parsed = params.safeParse(raw);
      return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
    };
    expect(refused({ indicator: 'vwap', condition: 'above', value: 1 })).toEqual(['indicator']);
    expect(refused({ indicator: 'sma', period: 0, condition: 'above', value: 1 })).toEqual(['period']);
    expect(refused({ indicator: 'sma', period: 10_000, condition: 'above', value: 1 })).toEqual(['period']);
    expect(refused({ indicator: 'ema', period: 2.5, condition: 'above', value: 1 })).toEqual(['period']);
    expect(refused({ indicator: 'rsi', interval: '7m', condition: 'above', value: 50 })).toEqual(['interval']);
    expect(refused({ indicator: 'rsi', condition: 'above', value: 150 })).toEqual(['value']);
    expect(refused({ indicator: 'rsi', condition: 'price_above_upper', value: 50 })).toEqual(['condition']);
    expect(refused({ indicator: 'sma', condition: 'above' })).toEqual(['value']);
    expect(refused({ indicator: 'bollinger', condition: 'above' })).toEqual(['condition']);
    expect(refused({ indicator: 'macd', fast_period: 26, slow_period: 12, condition: 'above', value: 0 })).toEqual(['fast_period']);
    expect(refused({ indicator: 'macd', line: 'zero', condition: 'above', value: 0 })).toEqual(['line']);
  });
});
