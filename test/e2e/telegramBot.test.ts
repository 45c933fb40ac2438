import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotPoller, type BotPoller } from '../../bot/poller.ts';
import { CommandAudit, TelegramUser } from '../../db/entities/index.ts';
import { inTransaction } from '../../db/orm.ts';
import { JobScheduler } from '../../lib/jobScheduler.ts';
import { createLogger } from '../../lib/logger.ts';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fakeTelegram.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

const TOKEN = '777:bot-token-for-the-bot-test';

// The bot against a Bot API of the test's own: linking by code and by the admin API, commands, refusals and the audit.
describe('the Telegram bot and chat linking', () => {
  let platform: TestPlatform;
  let telegram: FakeTelegram;
  let poller: BotPoller;
  const lines: string[] = [];

  beforeAll(async () => {
    telegram = await startFakeTelegram();
    platform = await startTestPlatform({ db: 'sqlite', logLines: lines, env: { TEST_LOG_LEVEL: 'info', TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_BASE_URL: telegram.url } });
    const logger = createLogger(platform.config, { role: 'test' }, { write: (line: string) => lines.push(line) });
    poller = startBotPoller(platform.config.notify, { orm: platform.orm, scheduler: new JobScheduler({ ...platform, logger }), logger }, logger);
  });

  afterAll(async () => {
    await poller?.stop();
    await platform?.close();
    await telegram?.close();
  });

  const say = (chatId: number, text: string) => telegram.pushUpdate({ message: { text, chat: { id: chatId }, from: { username: `u${chatId}` } } });
  const nextReply = async (chatId: number, before: number) => eventually(() => Promise.resolve(telegram.repliesTo(chatId)[before]));
  const ask = async (chatId: number, text: string) => {
    const before = telegram.repliesTo(chatId).length;
    say(chatId, text);
    return nextReply(chatId, before);
  };
  const audits = (chatId: number) => inTransaction(platform.orm, (em) => em.find(CommandAudit, { chat_id: chatId }, { orderBy: { id: 'asc' } }));

  it('refuses an unlinked chat politely, changes nothing, and audits it', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob({ user_id: 41 }));
    expect(await ask(9001, `/pause ${created.body.id}`)).toContain('not linked');
    expect((await platform.api('GET', `/jobs/${created.body.id}`)).body.enabled).toBe(true);
    expect(await audits(9001)).toMatchObject([{ command: `/pause ${created.body.id}`, outcome: 'refused', user_id: null, username: 'u9001' }]);
  });

  it('links a chat with /start <code> from POST /users/{user_id}/telegram/link-code, then pauses and resumes that user’s job through Temporal', async () => {
    const code = await platform.api('POST', '/users/42/telegram/link-code');
    expect(code.status).toBe(201);
    expect(code.body).toMatchObject({ user_id: 42, start_command: `/start ${code.body.code}` });
    expect(Date.parse(code.body.expires_at)).toBeGreaterThan(Date.now());
    expect(await ask(9002, '/start not-a-code')).toContain('unknown or has expired');
    expect(await ask(9002, `/start ${code.body.code}`)).toContain('user 42');
    expect(await inTransaction(platform.orm, (em) => em.findOne(TelegramUser, { user_id: 42 }))).toMatchObject({ chat_id: 9002, username: 'u9002', link_code: null });
    // A code is used once.
    expect(await ask(9003, `/start ${code.body.code}`)).toContain('unknown or has expired');

    const mine = await platform.api('POST', '/jobs', priceAlertJob({ user_id: 42, name: 'mine' }));
    const theirs = await platform.api('POST', '/jobs', priceAlertJob({ user_id: 43, name: 'theirs' }));
    expect(await ask(9002, '/alerts')).toMatch(new RegExp(`#${mine.body.id} mine`));
    expect(await ask(9002, `/pause ${theirs.body.id}`)).toContain(`no job #${theirs.body.id}`);
    expect(await ask(9002, `/pause ${mine.body.id}`)).toContain('paused');
    const paused = await platform.api('GET', `/jobs/${mine.body.id}`);
    expect(paused.body).toMatchObject({ enabled: false, schedule: { paused: true, note: 'paused from Telegram by @u9002' } });
    expect(await ask(9002, `/resume ${mine.body.id}`)).toContain('active again');
    expect((await platform.api('GET', `/jobs/${mine.body.id}`)).body.schedule.paused).toBe(false);
    expect(await ask(9002, '/status')).toBeTruthy();
    expect(await ask(9002, '/mute')).toContain('Muted');
    expect(await inTransaction(platform.orm, (em) => em.findOne(TelegramUser, { user_id: 42 }))).toMatchObject({ muted: true });
    expect(await ask(9002, '/launch')).toContain('Unknown command');
    expect((await audits(9002)).map((audit) => [audit.command.split(' ')[0], audit.outcome])).toEqual([
      ['/start', 'refused'],
      ['/start', 'ok'],
      ['/alerts', 'ok'],
      ['/pause', 'refused'],
      ['/pause', 'ok'],
      ['/resume', 'ok'],
      ['/status', 'ok'],
      ['/mute', 'ok'],
      ['/launch', 'refused'],
    ]);
  });

  it('logs and ignores an update of a kind it does not handle', async () => {
    const before = telegram.calls.filter((call) => call.method === 'sendMessage').length;
    telegram.pushUpdate({ edited_channel_post: { text: 'hi' } });
    await eventually(() => Promise.resolve(lines.some((line) => line.includes('ignored a Telegram update') && line.includes('edited_channel_post')) || undefined));
    expect(telegram.calls.filter((call) => call.method === 'sendMessage').length).toBe(before);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('links a chat for an admin with PUT /users/{user_id}/telegram, and refuses a chat_id that is not an integer, naming it', async () => {
    const linked = await platform.api('PUT', '/users/44/telegram', { chat_id: -1001234567890 });
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ user_id: 44, chat_id: -1001234567890, blocked: false, muted: false });
    for (const chat_id of ['12345', 1.5, null]) {
      const refused = await platform.api('PUT', '/users/44/telegram', { chat_id });
      expect(refused.status, String(chat_id)).toBe(422);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.errors.map((error: { path: string }) => error.path)).toEqual(['chat_id']);
    }
    expect((await platform.api('PUT', '/users/44/telegram', {})).body.errors.map((error: { path: string }) => error.path)).toEqual(['chat_id']);
  });
});
