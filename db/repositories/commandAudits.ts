import type { EntityManager } from '@mikro-orm/core';
import { CommandAudit } from '../entities/index.ts';

export interface CommandRecord {
  user_id: number | null;
  chat_id: number;
  username: string | null;
  command: string;
  outcome: 'ok' | 'refused' | 'error';
  detail: string | null;
}

export function recordCommand(em: EntityManager, record: CommandRecord): CommandAudit {
  return em.create(CommandAudit, record);
}

export function listCommandsOfChat(em: EntityManager, chat_id: number): Promise<CommandAudit[]> {
  return em.find(CommandAudit, { chat_id }, { orderBy: { id: 'asc' } });
}
