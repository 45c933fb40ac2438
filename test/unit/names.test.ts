import { describe, expect, it } from 'vitest';
import { jobIdFromWorkflowId, manualWorkflowIdFor, scheduleIdFor, scheduledWorkflowIdFor } from '../../workflows/names.ts';

describe('Temporal names', () => {
  it('follows the contract: schedule job-<id>, fires job-<id>-<time>, manual runs distinct', () => {
    expect(scheduleIdFor(42)).toBe('job-42');
    expect(scheduledWorkflowIdFor(42)).toBe('job-42');
    expect(manualWorkflowIdFor(42, new Date('2026-11-27T01:02:03.456Z'), 'a1b2c3d4')).toBe('job-42-manual-2026-11-27T01:02:03.456Z-a1b2c3d4');
  });

  it('gives two triggers in the same millisecond different manual workflow IDs', () => {
    const at = new Date('2026-11-27T01:02:03.456Z');
    expect(manualWorkflowIdFor(42, at, 'a1b2c3d4')).not.toBe(manualWorkflowIdFor(42, at, 'e5f6a7b8'));
  });

  it('recovers the job id from any of its workflow IDs, and nothing from others', () => {
    expect(jobIdFromWorkflowId('job-42-2026-11-27T01:02:05Z')).toBe(42);
    expect(jobIdFromWorkflowId(manualWorkflowIdFor(7, new Date(0), 'a1b2c3d4'))).toBe(7);
    expect(jobIdFromWorkflowId('bench-1')).toBeUndefined();
    expect(jobIdFromWorkflowId('job-x-1')).toBeUndefined();
  });
});
