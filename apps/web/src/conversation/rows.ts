import type { ChatMessage } from '@confab/react';
import { formatDay, sameDay } from '../lib/format';

/** What the conversation shows, top to bottom: day dividers, the unread divider, messages. */
export type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: string }
  | {
      kind: 'message';
      key: string;
      message: ChatMessage;
      /** First of a run by one author (shows their name and avatar). */
      groupStart: boolean;
      /** Last of that run. */
      groupEnd: boolean;
    };

/** Messages by one author this close together read as one group. */
const GROUP_WINDOW_MS = 5 * 60_000;

/**
 * Lays the messages out: a divider at each new day, one before the first unread message from
 * someone else (`unreadAfterSeq` is the read marker when the room was opened), and runs of
 * consecutive messages by one author grouped.
 */
export function buildRows(
  messages: readonly ChatMessage[],
  unreadAfterSeq: number | null,
  meId: string,
  now = Date.now(),
): Row[] {
  const rows: Row[] = [];
  let previous: ChatMessage | undefined;
  let unreadShown = false;
  for (const message of messages) {
    const newDay = !previous || !sameDay(previous.createdAt, message.createdAt);
    if (newDay)
      rows.push({
        kind: 'day',
        key: `day-${message.createdAt}`,
        label: formatDay(message.createdAt, now),
      });
    const unread =
      !unreadShown &&
      unreadAfterSeq !== null &&
      message.seq !== null &&
      message.seq > unreadAfterSeq &&
      message.authorId !== meId;
    if (unread) {
      unreadShown = true;
      rows.push({ kind: 'unread', key: 'unread' });
    }
    const continues =
      previous !== undefined &&
      !newDay &&
      !unread &&
      previous.authorId === message.authorId &&
      message.createdAt - previous.createdAt < GROUP_WINDOW_MS;
    const last = rows.at(-1);
    if (continues && last?.kind === 'message') last.groupEnd = false;
    rows.push({
      kind: 'message',
      key: message.key,
      message,
      groupStart: !continues,
      groupEnd: true,
    });
    previous = message;
  }
  return rows;
}
