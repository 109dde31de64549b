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
export type ChatMessage = SentChatMessage | OutgoingChatMessage;

interface ChatMessageFields extends Conversational {
  /** Stable from "pending" to "sent": the same React key, so the row is updated, not replaced. */
  key: string;
  roomId: string;
  authorId: string;
  /** Empty once deleted. */
  body: string;
  createdAt: number;
  editedAt: number | null;
  deletedAt: number | null;
}

/** In the room's log. */
export interface SentChatMessage extends ChatMessageFields {
  status: 'sent';
  id: string;
  seq: number;
  /** Set on the user's own messages; others' may come without it (a format 3 live stream). */
  clientMsgId?: string;
  error: null;
}

/** The user's own, queued or in flight (pending) or refused (failed: retry or discard). */
export interface OutgoingChatMessage extends ChatMessageFields {
  status: 'pending' | 'failed';
  /** Null until the server confirmed it. */
  id: null;
  seq: null;
  clientMsgId: string;
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

/**
 * A confirmed message as shown. The user's own messages are keyed by their clientMsgId, as their
 * outgoing rows were; anyone else's by id, which every source carries (a live stream sends a
 * clientMsgId only to its author's devices; ids never contain ':').
 */
export function fromMessage(message: Message, meId: string | null): ChatMessage {
  const { authorId, clientMsgId } = message;
  return {
    ...message,
    key: authorId === meId && clientMsgId !== undefined ? keyOf(authorId, clientMsgId) : message.id,
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
  const shown = messages.map((message) => fromMessage(message, meId));
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
