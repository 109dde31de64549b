import type { ChatClient } from '@confab/client';
import type { TimelineAction } from './timeline.js';

/**
 * Where a conversation opens: at its newest messages (and follows the live end), at the first
 * message after the read marker (catching up), or around one message (a message link). The
 * last two load a window of history and page forward until it joins the live end.
 */
export type MessagesStart =
  | { at: 'newest' }
  | {
      at: 'unread';
      /** The read marker: the window starts with the first message after it. */
      afterSeq: number;
    }
  | { at: 'message'; messageId: string };

export const NEWEST: MessagesStart = { at: 'newest' };

/** One string per start, so an effect reloads when the start changes and not on every render. */
export function startKey(start: MessagesStart): string {
  switch (start.at) {
    case 'newest':
      return 'newest';
    case 'unread':
      return `unread:${start.afterSeq}`;
    case 'message':
      return `message:${start.messageId}`;
  }
}

export interface WindowSizes {
  /** Messages in the newest page. */
  firstPageSize: number;
  /** Messages on each side of the start of a window. */
  contextSize: number;
}

/** Reads the first page for `start` and says how the timeline takes it. */
export async function loadStart(
  client: ChatClient,
  roomId: string,
  start: MessagesStart,
  sizes: WindowSizes,
): Promise<TimelineAction> {
  switch (start.at) {
    case 'newest': {
      const page = await client.api.message.history.query({ roomId, limit: sizes.firstPageSize });
      return { type: 'history', roomId, page };
    }
    case 'message': {
      const page = await client.api.message.context.query({
        roomId,
        messageId: start.messageId,
        limit: sizes.contextSize,
      });
      return { type: 'window', roomId, page };
    }
    case 'unread': {
      // A page of what was read (so the divider has context above it) and the first unread page:
      // never the whole backlog at once, however much was missed.
      const [before, after] = await Promise.all([
        client.api.message.history.query({
          roomId,
          beforeSeq: start.afterSeq + 1,
          limit: sizes.contextSize,
        }),
        client.api.message.history.query({
          roomId,
          afterSeq: start.afterSeq,
          limit: sizes.contextSize * 2,
        }),
      ]);
      return {
        type: 'window',
        roomId,
        page: {
          messages: [...before.messages, ...after.messages],
          hasMoreBefore: before.hasMore,
          hasMoreAfter: after.hasMore,
          startSeq: before.startSeq,
          // The two spans meet at the read marker: together, the window's.
          notices: [...(before.notices ?? []), ...(after.notices ?? [])],
        },
      };
    }
  }
}
