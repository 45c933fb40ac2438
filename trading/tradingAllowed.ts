import { inTransaction, type Orm } from '../db/orm.ts';
import { findEngagedKillSwitch } from '../db/repositories/killSwitch.ts';
import { businessError } from '../lib/errors.ts';

/** Checked before every order, whatever started the run: while the kill switch is engaged nothing trades. */
export async function assertTradingAllowed(orm: Orm): Promise<void> {
  const killSwitch = await inTransaction(orm, (em) => findEngagedKillSwitch(em));
  if (killSwitch) throw businessError('KillSwitchEngaged', `trading is stopped by the kill switch since ${killSwitch.engaged_at.toISOString()}: ${killSwitch.reason}`);
}
