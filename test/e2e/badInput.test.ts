import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobSchedule } from '../../db/entities/index.ts';
import { inTransaction } from '../../db/orm.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

// Every bad request gets a clear problem+json naming the field, and leaves nothing half-written.
describe('bad input through the API', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ db: 'sqlite' });
  });

  afterAll(async () => {
    await platform?.close();
  });

  const valid = priceAlertJob({ cron: '*/15 * * * *' });

  async function expectNothingWritten() {
    const rows = await inTransaction(platform.orm, (em) => em.count(JobSchedule));
    expect(rows).toBe(0);
    const schedules = [];
    for await (const schedule of platform.temporal.client.schedule.list()) schedules.push(schedule.scheduleId);
    expect(schedules).toEqual([]);
  }

  async function expectProblem(body: unknown, status: number, paths: string[]) {
    const response = await platform.api('POST', '/jobs', body);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body).toMatchObject({ status, title: expect.any(String), type: expect.any(String), detail: expect.any(String) });
    expect(response.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([...paths].sort());
    await expectNothingWritten();
    return response.body;
  }

  it('names every missing field', async () => {
    await expectProblem({ name: 'x' }, 422, ['job_type', 'target', 'task_params', 'cron', 'user_id']);
  });

  it('rejects an unknown job type', async () => {
    const problem = await expectProblem({ ...valid, job_type: 'moon_shot' }, 422, ['job_type']);
    expect(problem.errors[0].message).toContain('price_alert');
  });

  it('rejects wrong types and unknown fields', async () => {
    await expectProblem({ ...valid, user_id: '1', enabled: 'yes', extra: true }, 422, ['user_id', 'enabled', 'extra']);
  });

  it('rejects task_params and targets the job type does not accept', async () => {
    await expectProblem({ ...valid, target: 'eth/usdt', task_params: { condition: 'sideways', value: -1 } }, 422, ['target', 'task_params.condition', 'task_params.value']);
  });

  it('rejects a strategy_execution with a bad symbol, quote_amount or bot, naming each field', async () => {
    const strategy = { ...valid, job_type: 'strategy_execution', target: 'BTCUSDT', task_params: { bot_id: 1, strategy: 'dca', side: 'BUY', quote_amount: '100' } };
    await expectProblem({ ...strategy, target: 'btc usdt', task_params: { bot_id: 0, strategy: 'dca', quote_amount: '-100' } }, 422, ['target', 'task_params.bot_id', 'task_params.quote_amount']);
    await expectProblem({ ...strategy, task_params: { bot_id: 1, strategy: 'dca', quote_amount: '99999999999' } }, 422, ['task_params.quote_amount']);
  });

  it('rejects a strategy_execution whose bot does not exist, is another user\'s or does not trade the target', async () => {
    const bot = await platform.api('POST', '/bots', { user_id: 1, name: 'dca', strategy: 'dca', symbols: ['BTCUSDT'], budget: '1000', max_open_positions: 1, max_notional: '500', daily_loss_limit: '100' });
    expect(bot.status).toBe(201);
    const strategy = { ...valid, user_id: 1, job_type: 'strategy_execution', target: 'BTCUSDT', task_params: { bot_id: bot.body.id, strategy: 'dca', quote_amount: '100' } };
    const missing = await expectProblem({ ...strategy, task_params: { ...strategy.task_params, bot_id: bot.body.id + 1000 } }, 422, ['task_params.bot_id']);
    expect(missing.errors[0].message).toContain(`no bot ${bot.body.id + 1000}`);
    await expectProblem({ ...strategy, user_id: 2 }, 422, ['task_params.bot_id']);
    const untraded = await expectProblem({ ...strategy, target: 'ETHUSDT' }, 422, ['target']);
    expect(untraded.errors[0].message).toContain('does not trade ETHUSDT');
  });

  it('rejects a time zone that does not exist', async () => {
    await expectProblem({ ...valid, timezone: 'Mars/Olympus_Mons' }, 422, ['timezone']);
  });

  it('passes on the cron the Temporal server rejects, naming the field', async () => {
    const problem = await expectProblem({ ...valid, cron: 'every tuesday' }, 422, ['cron']);
    expect(problem.errors[0].message).toContain('rejected by Temporal');
  });

  it('rejects a body that is not JSON', async () => {
    await expectProblem('{"name":', 422, ['(body)']);
  });

  it('rejects bad ids, filters and cursors', async () => {
    for (const path of ['/jobs/abc', '/jobs?enabled=maybe', '/jobs?cursor=zzz', '/jobs?limit=5000', '/runs/-1', '/jobs/1/runs?status=DONE']) {
      const response = await platform.api('GET', path);
      expect(response.status, path).toBe(422);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await platform.api('GET', '/runs/999999')).status).toBe(404);
    expect((await platform.api('POST', '/jobs/999999/trigger')).status).toBe(404);
    expect((await platform.api('GET', '/jobs/999999/runs')).status).toBe(404);
  });

  it('shows the effective config to the admin with secrets masked', async () => {
    const config = await platform.api('GET', '/config');
    expect(config.status).toBe(200);
    expect(config.body).toMatchObject({ app_env: 'test', api: { admin_key: '***' }, temporal: { namespace: platform.config.temporal.namespace } });
    expect(JSON.stringify(config.body)).not.toContain(platform.config.api.admin_key);
  });

  it('answers 401 without a key or with a wrong one, but keeps health and metrics open', async () => {
    const anonymous = await fetch(`${platform.apiUrl}/jobs`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    expect((await platform.api('GET', '/jobs', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await platform.api('POST', '/jobs', valid, { authorization: 'Basic abc' })).status).toBe(401);
    await expectNothingWritten();
    expect((await fetch(`${platform.apiUrl}/health/live`)).status).toBe(200);
    expect((await fetch(`${platform.apiUrl}/metrics`)).status).toBe(200);
  });
});
