import type { Message, NotificationLevel } from '@confab/contracts';

/** Whether a message names the member: `@username` (resolved at send) or `@room`. */
export function mentions(message: Pick<Message, 'mentions' | 'mentionsRoom'>, userId: string) {
  return message.mentionsRoom === true || (message.mentions?.includes(userId) ?? false);
}

/**
 * Whether a member at `level` is notified of a message: 'all' of every one, 'mentions' only of
 * those that name them (so a mention reaches a muted room), 'none' of nothing.
 */
export function notifies(level: NotificationLevel, mentioned: boolean): boolean {
  return level === 'all' || (level === 'mentions' && mentioned);
}
