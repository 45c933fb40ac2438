import { BotInstance } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import { ValidationError } from '../lib/errors.ts';
import { ALL_SYMBOLS } from '../workflows/names.ts';

interface TradingJobFields {
  job_type: string;
  user_id: number;
  target: string;
  task_params: Record<string, unknown>;
}

/** The job types whose task_params name a bot. */
const BOT_JOB_TYPES = ['strategy_execution', 'position_monitor'];

/**
 * A trading job must name a bot of its own owner that trades its target (a position monitor may watch them all, `*`):
 * a job that could only ever fail is a 422 before any schedule exists. Other job types name no bot.
 */
export async function assertJobBotFits(orm: Orm, job: TradingJobFields): Promise<void> {
  if (!BOT_JOB_TYPES.includes(job.job_type)) return;
  const botId = Number(job.task_params.bot_id);
  const bot = await inTransaction(orm, (em) => em.findOne(BotInstance, { id: botId, user_id: job.user_id }, { fields: ['symbols'] }));
  if (!bot) throw new ValidationError([{ path: 'task_params.bot_id', message: `user ${job.user_id} has no bot ${botId}` }]);
  if (!(job.job_type === 'position_monitor' && job.target === ALL_SYMBOLS) && !bot.symbols.includes(job.target)) {
    throw new ValidationError([{ path: 'target', message: `bot ${botId} does not trade ${job.target} (it trades ${bot.symbols.join(', ')})` }]);
  }
}
