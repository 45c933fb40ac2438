import type { Logger } from '../logger.ts';
import type { Delivery, Notification, Notifier } from './notifier.ts';

/** Delivers to the log: the offline default, visible in the worker's output. */
export function createLogNotifier(logger: Logger): Notifier {
  return {
    channel: 'log',
    send(notification: Notification): Promise<Delivery> {
      logger.info({ notification }, notification.title);
      return Promise.resolve({ channel: 'log', delivered: true });
    },
  };
}
