import type { EntityManager } from '@mikro-orm/core';
import { KillSwitchEngagement } from '../entities/index.ts';

/** The engagement in force, or null when trading is allowed. */
export function findEngagedKillSwitch(em: EntityManager): Promise<KillSwitchEngagement | null> {
  return em.findOne(KillSwitchEngagement, { engaged: true });
}
