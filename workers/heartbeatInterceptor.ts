import type { Context } from '@temporalio/activity';
import type { ActivityInterceptors } from '@temporalio/worker';
import { heartbeatWhile } from '../activities/heartbeat.ts';

/** Heartbeats this often within the heartbeat timeout, so one late beat (a busy event loop) is not a death. */
const BEATS_PER_TIMEOUT = 3;

/** Every activity whose options set a heartbeat timeout heartbeats while it runs: no activity has to remember to. */
export function heartbeatInterceptor(ctx: Context): ActivityInterceptors {
  const { heartbeatTimeoutMs, isLocal } = ctx.info;
  // Local activities have no heartbeats: they live and die with their workflow task.
  if (isLocal || !heartbeatTimeoutMs) return {};
  return { inbound: { execute: (input, next) => heartbeatWhile(() => next(input), heartbeatTimeoutMs / BEATS_PER_TIMEOUT, ctx) } };
}
