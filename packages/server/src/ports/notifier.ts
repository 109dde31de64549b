import type { Message } from '@confab/contracts';

/**
 * What the domain services tell about new messages, so that members with no live connection
 * can be notified (Web Push, webhooks). Called once per message, after it is committed and
 * published; never for an idempotent retry. The default implementation is `createNotifications`
 * (notify/service.ts); tests swap in their own.
 */
export interface Notifier {
  /**
   * Returns at once and never throws: notification work happens in the background and its
   * failures are the notifier's to log, never the sender's.
   */
  messageCreated(message: Message): void;
}
