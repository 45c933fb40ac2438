import { KeelError } from '../errors.ts';

export interface Notification {
  /** Same key, same notification: receivers and retries use it to deliver once. */
  idempotency_key: string;
  title: string;
  text: string;
  job_id: number;
  user_id: number;
  data: Record<string, unknown>;
  /** A picture sent with the text (a report's chart), PNG bytes in base64: Telegram sendPhoto; webhooks get it as is. */
  image_png_base64?: string;
}

export interface Delivery {
  channel: string;
  delivered: boolean;
}

/** A notification channel; errors are KeelErrors (a rejected payload is a business error, never retried). */
export interface Notifier {
  readonly channel: string;
  send(notification: Notification): Promise<Delivery>;
}

/** The channel asked us to wait (Telegram 429 `retry_after`): transient, but not before `retryAfterMs`. */
export class RetryLaterError extends KeelError {
  declare readonly retryAfterMs: number;

  constructor(message: string, retryAfterMs: number, cause?: unknown) {
    super(message, { category: 'api', type: 'RetryLater', retryable: true, cause, retryAfterMs });
  }
}

/** The recipient refuses us for good (a Telegram chat that blocked the bot, 403): never retried. */
export class RecipientBlockedError extends KeelError {
  constructor(message: string, cause?: unknown) {
    super(message, { category: 'business', type: 'RecipientBlocked', retryable: false, cause });
  }
}
