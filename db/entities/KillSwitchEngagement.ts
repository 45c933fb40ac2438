import { defineEntity, p } from '@mikro-orm/core';

/** One use of the trading kill switch: who engaged it and why, the schedules it paused, and who resumed trading. */
export const KillSwitchEngagementSchema = defineEntity({
  name: 'KillSwitchEngagement',
  tableName: 'kill_switch_engagements',
  properties: {
    id: p.integer().primary().autoincrement(),
    /** True while engaged, null once resumed: the unique index lets only one engagement be open, even for two racing requests. */
    engaged: p.boolean().nullable().unique(),
    reason: p.string().length(500),
    engaged_by: p.string().length(100),
    engaged_at: p.datetime().onCreate(() => new Date()),
    /** The jobs this engagement paused; resume unpauses these and no others. */
    paused_job_ids: p.json<number[]>(),
    resumed_at: p.datetime().nullable(),
    resumed_by: p.string().length(100).nullable(),
    resume_reason: p.string().length(500).nullable(),
  },
});

export class KillSwitchEngagement extends KillSwitchEngagementSchema.class {}
KillSwitchEngagementSchema.setClass(KillSwitchEngagement);
