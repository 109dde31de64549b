import type { RoomNotice } from '@confab/contracts';
import type { ChatMessage } from '@confab/react';
import { formatDay, sameDay } from '../lib/format';
import { type NoticePart, noticeParts } from './notice-text';

/**
 * What the conversation shows, top to bottom: day dividers, the unread divider, messages, and
 * notices (joins, leaves, renames...) between them.
 */
export type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: string }
  | { kind: 'notice'; key: string; notice: RoomNotice; parts: NoticePart[] }
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

type Entry = { kind: 'message'; message: ChatMessage } | { kind: 'notice'; notice: RoomNotice };

/**
 * Messages and notices in log order. A notice is placed by its seq; messages not confirmed yet
 * (no seq) are the newest, after every notice.
 */
function inLogOrder(messages: readonly ChatMessage[], notices: readonly RoomNotice[]): Entry[] {
  const entries: Entry[] = [];
  let next = 0;
  for (const message of messages) {
    for (;;) {
      const notice = notices[next];
      if (!notice || (message.seq !== null && notice.seq > message.seq)) break;
      entries.push({ kind: 'notice', notice });
      next += 1;
    }
    entries.push({ kind: 'message', message });
  }
  for (const notice of notices.slice(next)) entries.push({ kind: 'notice', notice });
  return entries;
}

/**
 * Lays the messages out: a divider at each new day, one before the first unread message from
 * someone else (`unreadAfterSeq` is the read marker when the room was opened; notices are not
 * unread messages, so they never place it), notices between messages by seq (breaking a run of
 * one author's messages), and runs of consecutive messages by one author grouped.
 */
export function buildRows(
  messages: readonly ChatMessage[],
  unreadAfterSeq: number | null,
  meId: string,
  notices: readonly RoomNotice[] = [],
  now = Date.now(),
): Row[] {
  const rows: Row[] = [];
  /** The message before, for grouping: none after a notice. */
  let previous: ChatMessage | undefined;
  let previousAt: number | undefined;
  let unreadShown = false;
  for (const entry of inLogOrder(messages, notices)) {
    const at = entry.kind === 'message' ? entry.message.createdAt : entry.notice.at;
    const parts = entry.kind === 'notice' ? noticeParts(entry.notice) : null;
    // A notice that says nothing new is not shown, and so moves nothing.
    if (entry.kind === 'notice' && !parts) continue;
    const newDay = previousAt === undefined || !sameDay(previousAt, at);
    if (newDay) rows.push({ kind: 'day', key: `day-${at}`, label: formatDay(at, now) });
    previousAt = at;
    if (entry.kind === 'notice') {
      const { notice } = entry;
      rows.push({ kind: 'notice', key: `notice-${notice.seq}`, notice, parts: parts ?? [] });
      previous = undefined;
      continue;
    }
    const { message } = entry;
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
