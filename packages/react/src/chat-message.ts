import type { Message } from '@confab/contracts';
import { inTimeline } from './message-events.js';
import type { Outgoing, ReplyFields } from './store/outgoing.js';

/** The optional fields of a Message (replies, threads, mentions, reactions, pins, files). */
type Conversational = Pick<
  Message,
  | 'replyToId'
  | 'threadId'
  | 'alsoInRoom'
  | 'mentions'
  | 'mentionsRoom'
  | 'reactions'
  | 'thread'
  | 'pinned'
  | 'attachments'
>;

/** A message as a chat view shows it: confirmed by the room's log, or still on its way. */
export interface ChatMessage extends Conversational {
  /** Stable from "pending" to "sent": the same React key, so the row is updated, not replaced. */
  key: string;
  /** Null until the server confirmed it. */
  id: string | null;
  seq: number | null;
  roomId: string;
  authorId: string;
  clientMsgId: string;
  /** Empty once deleted. */
  body: string;
  createdAt: number;
  editedAt: number | null;
  deletedAt: number | null;
  /** sent: in the room's log; pending: queued or in flight; failed: refused (retry or discard). */
  status: 'sent' | 'pending' | 'failed';
  /** Why it failed. */
  error: string | null;
}

/** Only the reply fields that are set, as a confirmed message carries them. */
function replyFields(entry: ReplyFields): Pick<Message, 'replyToId' | 'threadId' | 'alsoInRoom'> {
  return {
    ...(entry.replyToId !== undefined && { replyToId: entry.replyToId }),
    ...(entry.threadId !== undefined && { threadId: entry.threadId }),
    ...(entry.threadId !== undefined && entry.alsoInRoom === true && { alsoInRoom: true }),
  };
}

const keyOf = (authorId: string, clientMsgId: string) => `${authorId}:${clientMsgId}`;

export function fromMessage(message: Message): ChatMessage {
  return {
    ...message,
    key: keyOf(message.authorId, message.clientMsgId),
    status: 'sent',
    error: null,
  };
}

/**
 * The room's confirmed messages, then its own outgoing ones in the order they were queued. An
 * outgoing message whose own event is already in is shown once, as sent. With `threadId`, the
 * outgoing replies of that thread; without, those the room's timeline shows.
 */
export function mergeOutgoing(
  roomId: string,
  messages: readonly Message[],
  outgoing: readonly Outgoing[],
  meId: string | null,
  threadId?: string,
): ChatMessage[] {
  const confirmed = new Set(messages.filter((m) => m.authorId === meId).map((m) => m.clientMsgId));
  const shown = messages.map(fromMessage);
  if (meId === null) return shown;
  for (const entry of outgoing) {
    if (entry.roomId !== roomId || confirmed.has(entry.clientMsgId)) continue;
    if (threadId === undefined ? !inTimeline(entry) : entry.threadId !== threadId) continue;
    shown.push({
      ...replyFields(entry),
      ...(entry.attachments && { attachments: entry.attachments }),
      key: keyOf(meId, entry.clientMsgId),
      id: null,
      seq: null,
      roomId,
      authorId: meId,
      clientMsgId: entry.clientMsgId,
      body: entry.body,
      createdAt: entry.createdAt,
      editedAt: null,
      deletedAt: null,
      status: entry.status,
      error: entry.error,
    });
  }
  return shown;
}
