import { bootPlatform, NotMigratedError } from '../lib/boot.ts';
import { loadConfigOrExit, untilShutdownSignal } from '../lib/cli.ts';
import { JobScheduler } from '../lib/jobScheduler.ts';
import { createLogger } from '../lib/logger.ts';
import { startBotPoller } from './poller.ts';

// The Telegram bot, a process of its own: `node bot/main.ts`. It needs TELEGRAM_BOT_TOKEN.
const config = loadConfigOrExit();
const logger = createLogger(config, { role: 'telegram-bot' });
if (!config.notify.telegram_bot_token) {
  logger.fatal('TELEGRAM_BOT_TOKEN is not set: the bot has nothing to poll');
  process.exit(1);
}
const platform = await bootPlatform(config, logger, { migrations: 'require' }).catch((error: unknown) => {
  if (!(error instanceof NotMigratedError)) throw error;
  logger.fatal(error.message);
  process.exit(1);
});
const poller = startBotPoller(config.notify, { orm: platform.orm, scheduler: new JobScheduler({ ...platform, logger }), logger }, logger);
logger.info('telegram bot polling');
const signal = await untilShutdownSignal();
logger.info({ signal }, 'telegram bot stopping');
await poller.stop();
await platform.close();
