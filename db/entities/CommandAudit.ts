import { defineEntity, p } from '@mikro-orm/core';

/** One bot command as it was received and what came of it: who (user, chat), what, outcome, when. */
export const CommandAuditSchema = defineEntity({
  name: 'CommandAudit',
  tableName: 'command_audits',
  properties: {
    id: p.integer().primary().autoincrement(),
    /** Null when the chat is not linked to a user. */
    user_id: p.integer().nullable(),
    chat_id: p.bigint('number').index(),
    username: p.string().length(64).nullable(),
    command: p.string().length(500),
    /** ok, refused (chat not linked, not the user's job, bad argument), error. */
    outcome: p.string().length(32),
    detail: p.string().length(1000).nullable(),
    at: p.datetime().onCreate(() => new Date()).index(),
  },
});

export class CommandAudit extends CommandAuditSchema.class {}
CommandAuditSchema.setClass(CommandAudit);
