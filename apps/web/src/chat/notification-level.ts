import { type Message, mentionsUser, type NotificationLevel, notifiesAt } from '@confab/contracts';

/**
 * Whether a room at `level` notifies `meId` of `message`, as the server decides for Web Push:
 * 'all' every message, 'mentions' one naming them (`@username` or `@room`), 'none' nothing.
 */
export function levelAllows(
  level: NotificationLevel,
  message: Pick<Message, 'mentions' | 'mentionsRoom'>,
  meId: string,
): boolean {
  return notifiesAt(level, mentionsUser(message, meId));
}
