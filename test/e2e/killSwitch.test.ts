import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Order, PaperOrder, Trade } from '../../db/entities/index.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { eventually, startTestPlatform, triggerAndWait, type TestPlatform } from '../helpers/platform.ts';

/** The first ApplicationFailure in a failure's chain of causes: the activity's own error, as the workflow saw it. */
function applicationFailureOf(error: unknown): ApplicationFailure | undefined {
  for (let link = error; link instanceof Error; link = link.cause) if (link instanceof ApplicationFailure) return link;
  return undefined;
}

// The kill switch through the API, with the real trading worker (paper exchange) and Temporal, on both databases.
describe.each(DATABASE_KINDS)('trading kill switch on %s', (db) => {
  let platform: TestPlatform;
  let botId: number;
  let tradingJob: number;
  let operatorPausedJob: number;

  const dcaJob = (name: string) => ({
    name, job_type: 'strategy_execution', target: 'BTCUSDT', cron: '0 0 1 1 *', user_id: 1,
    task_params: { bot_id: botId, strategy: 'dca', side: 'BUY', quote_amount: '10' },
  });
  const schedule = (jobId: number) => platform.temporal.client.schedule.getHandle(`job-${jobId}`).describe();
  const tradeCount = () => platform.orm.em.fork().count(Trade, { bot: botId });

  beforeAll(async () => {
    platform = await startTestPlatform({ db, queues: ['trading'] });
    const bot = await platform.api('POST', '/bots', { user_id: 1, name: 'dca', strategy: 'dca', symbols: ['BTCUSDT'], budget: '1000', max_open_positions: 1, max_notional: '500', daily_loss_limit: '100' });
    expect(bot.status).toBe(201);
    botId = bot.body.id;
    tradingJob = (await platform.api('POST', '/jobs', dcaJob('dca btc'))).body.id;
    operatorPausedJob = (await platform.api('POST', '/jobs', dcaJob('dca btc, paused by hand'))).body.id;
    expect((await platform.api('POST', `/jobs/${operatorPausedJob}/pause`, { note: 'operator: testing' })).status).toBe(200);
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('refuses callers without the admin key and bodies without a usable reason, changing nothing', async () => {
    for (const [method, path] of [['POST', '/trading/kill-switch'], ['POST', '/trading/resume'], ['GET', '/trading/kill-switch']] as const) {
      const body = method === 'GET' ? undefined : { reason: 'x' };
      expect((await platform.api(method, path, body, { authorization: '' })).status).toBe(401);
      expect((await platform.api(method, path, body, { authorization: 'Bearer not-the-key' })).status).toBe(401);
    }
    for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(401) }, { reason: 42 }]) {
      const answer = await platform.api('POST', '/trading/kill-switch', body);
      expect(answer.status).toBe(422);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.body.errors.map((error: { path: string }) => error.path)).toEqual(['reason']);
    }
    const stray = await platform.api('POST', '/trading/kill-switch', { reason: 'x', force: true });
    expect(stray.status).toBe(422);
    expect(stray.body.errors).toEqual([{ path: 'force', message: expect.any(String) }]);
    expect((await platform.api('GET', '/trading/kill-switch')).body).toEqual({ engaged: false });
    expect((await schedule(tradingJob)).state.paused).toBe(false);
  });

  it('resume while not engaged is a 409', async () => {
    const answer = await platform.api('POST', '/trading/resume');
    expect(answer.status).toBe(409);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
  });

  it('engaged: pauses the trading schedules (not the one already paused), cancels open orders, refuses triggers, and no run trades', async () => {
    // An order the books say is open; the paper exchange never had it, so cancelling finds nothing to fill.
    const em = platform.orm.em.fork();
    em.create(Order, { bot: botId, symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.001', price: '10000', status: 'NEW', client_order_id: `kill-open-${db}` });
    await em.flush();

    const engaged = await platform.api('POST', '/trading/kill-switch', { reason: 'exchange is misbehaving' });
    expect(engaged.status).toBe(200);
    expect(engaged.body).toMatchObject({
      engaged: true, reason: 'exchange is misbehaving', engaged_by: 'admin API key', engaged_at: expect.any(String),
      paused_jobs: [tradingJob], failed_jobs: [], failed_orders: [],
      cancelled_orders: [{ bot_id: botId, symbol: 'BTCUSDT', client_order_id: `kill-open-${db}`, status: 'CANCELED' }],
    });
    expect(await platform.orm.em.fork().findOneOrFail(Order, { client_order_id: `kill-open-${db}` })).toMatchObject({ status: 'CANCELED' });
    expect((await platform.api('GET', '/trading/kill-switch')).body).toMatchObject({ engaged: true, reason: 'exchange is misbehaving', paused_jobs: [tradingJob] });

    // Temporal and the row agree: paused, with a note naming the switch and the reason.
    expect((await schedule(tradingJob)).state).toMatchObject({ paused: true, note: 'kill switch: exchange is misbehaving' });
    expect((await platform.api('GET', `/jobs/${tradingJob}`)).body).toMatchObject({ enabled: false, pause_note: 'kill switch: exchange is misbehaving' });
    expect((await schedule(operatorPausedJob)).state).toMatchObject({ paused: true, note: 'operator: testing' });

    const trigger = await platform.api('POST', `/jobs/${tradingJob}/trigger`);
    expect(trigger.status).toBe(409);
    expect(trigger.headers.get('content-type')).toBe('application/problem+json');
    expect(trigger.body.detail).toMatch(/kill switch/);

    // Nothing re-arms a trading job meanwhile: resume, PATCH enabled, backfill and a new enabled job are 409s too.
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const rearming = [
      await platform.api('POST', `/jobs/${tradingJob}/resume`),
      await platform.api('PATCH', `/jobs/${tradingJob}`, { enabled: true }),
      await platform.api('POST', `/jobs/${tradingJob}/backfill`, { start_time: hourAgo, end_time: new Date().toISOString() }),
      await platform.api('POST', '/jobs', dcaJob('made while stopped')),
    ];
    expect(rearming.map((answer) => answer.status)).toEqual([409, 409, 409, 409]);
    expect((await schedule(tradingJob)).state.paused).toBe(true);
    expect((await platform.api('GET', `/jobs?job_type=strategy_execution`)).body.items.map((job: { name: string }) => job.name)).not.toContain('made while stopped');
    // A job made disabled schedules nothing: it may be prepared while trading is stopped.
    expect((await platform.api('POST', '/jobs', { ...dcaJob('made disabled while stopped'), enabled: false })).status).toBe(201);

    const again = await platform.api('POST', '/trading/kill-switch', { reason: 'twice' });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
    expect((await platform.api('GET', '/trading/kill-switch')).body).toMatchObject({ reason: 'exchange is misbehaving', paused_jobs: [tradingJob] });

    // A run started anyway (a paused schedule still takes a direct trigger): the risk check refuses it, no order is placed.
    const handle = platform.temporal.client.schedule.getHandle(`job-${tradingJob}`);
    await handle.trigger();
    const workflowId = await eventually(async () => (await handle.describe()).info.recentActions.at(-1)?.action.workflow.workflowId);
    const failure = await platform.temporal.client.workflow.getHandle(workflowId).result().then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(applicationFailureOf(failure)).toMatchObject({ type: 'KillSwitchEngaged', nonRetryable: true });
    expect(await tradeCount()).toBe(0);
    expect(await platform.orm.em.fork().count(PaperOrder, {})).toBe(0);
    expect((await platform.api('GET', `/bots/${botId}`)).body).toMatchObject({ reserved: '0', open_positions: [] });
  });

  it('resume unpauses exactly what the switch paused; trading works again', async () => {
    const resumed = await platform.api('POST', '/trading/resume', { reason: 'exchange is fine again' });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ engaged: false, resumed_jobs: [tradingJob], failed_jobs: [], resumed_by: 'admin API key', reason: 'exchange is fine again' });
    expect((await schedule(tradingJob)).state.paused).toBe(false);
    expect((await platform.api('GET', `/jobs/${tradingJob}`)).body).toMatchObject({ enabled: true, pause_note: null });
    // Paused by the operator before the switch: still paused, with the operator's note.
    expect((await schedule(operatorPausedJob)).state).toMatchObject({ paused: true, note: 'operator: testing' });
    expect((await platform.api('GET', `/jobs/${operatorPausedJob}`)).body).toMatchObject({ enabled: false, pause_note: 'operator: testing' });
    expect((await platform.api('GET', '/trading/kill-switch')).body).toEqual({ engaged: false });
    expect((await platform.api('POST', '/trading/resume')).status).toBe(409);

    const run = await triggerAndWait(platform, tradingJob);
    expect(run.status).toBe('COMPLETED');
    expect(await tradeCount()).toBe(1);
  });

  it('two engagements racing: one is engaged, the other is a 409', async () => {
    const answers = await Promise.all([1, 2].map((n) => platform.api('POST', '/trading/kill-switch', { reason: `race ${n}` })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const winner = answers.find((answer) => answer.status === 200)!;
    expect(winner.body.paused_jobs).toEqual([tradingJob]);
    expect((await platform.api('GET', '/trading/kill-switch')).body).toMatchObject({ engaged: true, reason: winner.body.reason });
    expect((await platform.api('POST', '/trading/resume')).body).toMatchObject({ resumed_jobs: [tradingJob] });
  });
});
