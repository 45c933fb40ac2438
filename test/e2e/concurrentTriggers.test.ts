import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

const TRIGGERS = 40;

// Hostile input: a burst of triggers of one job in the same few milliseconds, while the worker records runs through its own connection.
describe.each(DATABASE_KINDS)('40 concurrent triggers on %s', (db) => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ db, queues: ['alerts'], workerConnection: 'own' });
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('each get their own run, and every run completes', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob());
    expect(created.status).toBe(201);
    const id = created.body.id as number;

    const answers = await Promise.all(Array.from({ length: TRIGGERS }, () => platform.api('POST', `/jobs/${id}/trigger`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: TRIGGERS }, () => 202));
    expect(new Set(answers.map((answer) => answer.body.workflow_id)).size).toBe(TRIGGERS);
    expect(new Set(answers.map((answer) => answer.body.run_id)).size).toBe(TRIGGERS);

    const runs = await eventually(
      async () => {
        const page = await platform.api('GET', `/jobs/${id}/runs?limit=100`);
        const done = page.body.items.filter((run: { status: string }) => run.status === 'COMPLETED');
        return done.length === TRIGGERS ? page.body.items : undefined;
      },
      { timeoutMs: 45_000 },
    );
    expect(runs).toHaveLength(TRIGGERS);
  });
});
