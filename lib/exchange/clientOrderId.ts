import { createHash } from 'node:crypto';

/** Binance's newClientOrderId: at most 36 characters of `[.A-Za-z0-9:/_-]`. */
export const CLIENT_ORDER_ID = /^[.A-Za-z0-9:/_-]{1,36}$/;
const MAX_LENGTH = 36;

export interface OrderOrigin {
  job_id: number;
  /** The schedule's nominal fire time, or the manual trigger's own ID: what makes one run's orders its own. */
  fire: Date | string;
  /** Which order of the run: `entry`, `exit`, `close-BTCUSDT`… */
  leg: string;
}

/**
 * The client order ID of one order of one run: the same job, fire and leg always give the same ID, so a retried,
 * replayed or restarted step finds the order it already placed instead of placing another. Readable when it fits
 * (`k7-1767225600-entry`), else a hash of the whole (`kh-<base64url sha-256>`, 36 characters).
 */
export function clientOrderIdOf(origin: OrderOrigin): string {
  const fire = origin.fire instanceof Date ? String(Math.floor(origin.fire.getTime() / 1000)) : origin.fire;
  // Readable only for a fire time (digits): a free-form trigger ID could make two origins read alike.
  const readable = `k${origin.job_id}-${fire}-${origin.leg}`;
  if (/^\d+$/.test(fire) && origin.fire instanceof Date && readable.length <= MAX_LENGTH && CLIENT_ORDER_ID.test(readable)) return readable;
  const digest = createHash('sha256').update(`${origin.job_id}\u0000${origin.fire instanceof Date ? 't' : 's'}${fire}\u0000${origin.leg}`).digest('base64url');
  return `kh-${digest}`.slice(0, MAX_LENGTH);
}
