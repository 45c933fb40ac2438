import { BotInstance } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import { ValidationError } from '../lib/errors.ts';

interface TradingJobFields {
  job_type: string;
  user_id: number;
  target: string;
  task_params: Record<string, unknown>;
}

/**
 * A strategy_execution job must name a bot of its own owner that trades its target: a job that could only ever fail
 * its risk check is a 422 before any schedule exists. Other job types name no bot.
 */
export async function assertJobBotFits(orm: Orm, job: TradingJobFields): Promise<void> {
  if (job.job_type !== 'strategy_execution') return;
  const botId = Number(job.task_params.bot_id);
  const bot = await inTransaction(orm, (em) => em.findOne(BotInstance, { id: botId, user_id: job.user_id }, { fields: ['symbols'] }));
  if (!bot) throw new ValidationError([{ path: 'task_params.bot_id', message: `user ${job.user_id} has no bot ${botId}` }]);
  if (!bot.symbols.includes(job.target)) {
    throw new ValidationError([{ path: 'target', message: `bot ${botId} does not trade ${job.target} (it trades ${bot.symbols.join(', ')})` }]);
  }
}
