import type { Message, NotificationLevel } from '@confab/contracts';

/**
 * Whether a room at `level` notifies `meId` of `message`, as the server decides for Web Push:
 * 'all' every message, 'mentions' one naming them (`@username` or `@room`), 'none' nothing.
 */
export function levelAllows(
  level: NotificationLevel,
  message: Pick<Message, 'mentions' | 'mentionsRoom'>,
  meId: string,
): boolean {
  if (level === 'none') return false;
  if (level === 'all') return true;
  return message.mentionsRoom === true || message.mentions?.includes(meId) === true;
}
