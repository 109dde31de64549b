import type { Message, Reaction, RoomEvent } from '@confab/contracts';

/**
 * How the log's conversation events (reactions, pins, thread replies) change the messages a view
 * holds. Shared by the room's timeline and a thread's view, so both converge on the same state.
 *
 * Each change is idempotent: a view applies the events that arrived while its first page was in
 * flight after that page, and the page may already reflect some of them.
 */

/** In the room's timeline: not a thread-only reply ("also send to room" replies are). */
export function inTimeline(message: { threadId?: string | undefined; alsoInRoom?: boolean }) {
  return message.threadId === undefined || message.alsoInRoom === true;
}

/** The reactions with `userId`'s `emoji` reaction added (`on`) or taken back. */
export function withReaction(
  reactions: Reaction[] | undefined,
  emoji: string,
  userId: string,
  on: boolean,
): Reaction[] | undefined {
  const list = reactions ?? [];
  const index = list.findIndex((r) => r.emoji === emoji);
  const current = list[index];
  if (on) {
    // The same user twice is one reaction.
    if (current?.userIds.includes(userId)) return reactions;
    if (!current) return [...list, { emoji, userIds: [userId] }];
    return list.map((r, i) => (i === index ? { emoji, userIds: [...r.userIds, userId] } : r));
  }
  if (!current?.userIds.includes(userId)) return reactions;
  const userIds = current.userIds.filter((id) => id !== userId);
  const next =
    userIds.length === 0
      ? list.filter((_, i) => i !== index)
      : list.map((r, i) => (i === index ? { emoji, userIds } : r));
  // A message without reactions has no `reactions` field, as the server sends it.
  return next.length > 0 ? next : undefined;
}

function setOptional<K extends 'reactions' | 'pinned' | 'thread'>(
  message: Message,
  key: K,
  value: Message[K],
): Message {
  const next = { ...message };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/**
 * The root with one more reply counted. A reply no newer than the root's last counted one is
 * taken as already counted (the page the root came from reflected it): the summary carries no
 * seq, so its time is what tells; two replies committed in the same millisecond would count once.
 */
export function withThreadReply(root: Message, reply: Message): Message {
  const summary = root.thread;
  if (summary && reply.createdAt <= summary.lastReplyAt) return root;
  return setOptional(root, 'thread', {
    replyCount: (summary?.replyCount ?? 0) + 1,
    lastReplyAt: reply.createdAt,
    lastReplyAuthorId: reply.authorId,
  });
}

/** The change an edit, delete, reaction or pin event makes to the message it names; else null. */
export function messageChange(
  event: RoomEvent,
): { messageId: string; change: (message: Message) => Message } | null {
  switch (event.type) {
    case 'message.edited':
      return {
        messageId: event.messageId,
        // A deleted message stays a tombstone.
        change: (m) => (m.deletedAt === null ? { ...m, body: event.body, editedAt: event.at } : m),
      };
    case 'message.deleted':
      return {
        messageId: event.messageId,
        change: (m) => ({ ...m, body: '', deletedAt: event.at }),
      };
    case 'reaction.added':
    case 'reaction.removed': {
      const on = event.type === 'reaction.added';
      return {
        messageId: event.messageId,
        change: (m) =>
          setOptional(m, 'reactions', withReaction(m.reactions, event.emoji, event.actorId, on)),
      };
    }
    case 'message.pinned':
      return {
        messageId: event.messageId,
        change: (m) => setOptional(m, 'pinned', { by: event.actorId, at: event.at }),
      };
    case 'message.unpinned':
      return { messageId: event.messageId, change: (m) => setOptional(m, 'pinned', undefined) };
    default:
      return null;
  }
}
