import { describe, expect, it } from 'vitest';
import { validationProblem } from '../../api/problem.ts';
import { crowdedObjectPath, MAX_FIELD_ERRORS } from '../../api/validation.ts';

describe('validation problems stay small', () => {
  it('lists the first errors and says how many it left out', () => {
    const problem = validationProblem(Array.from({ length: 75 }, (_, i) => ({ path: `k${i}`, message: 'is not allowed' })));
    expect(problem.errors).toHaveLength(MAX_FIELD_ERRORS);
    expect(problem.detail).toMatch(/; and 55 more errors not listed$/);
  });

  it('finds the first object with more than 100 keys, however deep', () => {
    const crowded = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]));
    expect(crowdedObjectPath({ a: 1, task_params: crowded })).toBe('task_params');
    expect(crowdedObjectPath(crowded)).toBe('');
    expect(crowdedObjectPath({ list: [crowded] })).toBe('list.0');
    expect(crowdedObjectPath({ a: { b: [1, 2, 3] } })).toBeUndefined();
  });
});
