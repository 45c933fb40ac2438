export interface Notification {
  /** Same key, same notification: receivers and retries use it to deliver once. */
  idempotency_key: string;
  title: string;
  text: string;
  job_id: number;
  user_id: number;
  data: Record<string, unknown>;
  /** A picture to send with the text (a report's chart), PNG bytes in base64. */
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
