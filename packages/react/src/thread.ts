import type { Message, RoomEvent, ThreadPage } from '@confab/contracts';
import { messageChange, withThreadReply } from './message-events.js';

/**
 * One thread as its side panel shows it: the root and its replies in seq order, each seq once.
 * Like the room's timeline, live events are listened to before the first page is asked for, and
 * those that arrive meanwhile are applied after it (each change is idempotent).
 */
export interface ThreadView {
  roomId: string;
  threadId: string;
  root: Message | null;
  replies: readonly Message[];
  /** Older replies exist before the first one. */
  hasMore: boolean;
  loaded: boolean;
  queued: readonly RoomEvent[];
}

export type ThreadAction =
  | { type: 'reset'; roomId: string; threadId: string }
  | { type: 'page'; threadId: string; page: ThreadPage }
  | { type: 'older'; threadId: string; page: ThreadPage }
  | { type: 'event'; event: RoomEvent };

export function emptyThread(roomId: string, threadId: string): ThreadView {
  return { roomId, threadId, root: null, replies: [], hasMore: false, loaded: false, queued: [] };
}

function mergeReplies(current: readonly Message[], incoming: readonly Message[]): Message[] {
  const bySeq = new Map<number, Message>();
  for (const message of current) bySeq.set(message.seq, message);
  for (const message of incoming) if (!bySeq.has(message.seq)) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** `change` applied to the message with this id, be it the root or a reply. */
function patched(view: ThreadView, id: string, change: (m: Message) => Message): ThreadView {
  return {
    ...view,
    root: view.root?.id === id ? change(view.root) : view.root,
    replies: view.replies.map((m) => (m.id === id ? change(m) : m)),
  };
}

function applyEvent(view: ThreadView, event: RoomEvent): ThreadView {
  switch (event.type) {
    case 'message.created': {
      const { message } = event;
      if (message.threadId !== view.threadId) return view;
      return {
        ...view,
        root: view.root && withThreadReply(view.root, message),
        replies: mergeReplies(view.replies, [message]),
      };
    }
    default: {
      const change = messageChange(event);
      return change ? patched(view, change.messageId, change.change) : view;
    }
  }
}

export function threadReducer(view: ThreadView, action: ThreadAction): ThreadView {
  switch (action.type) {
    case 'reset':
      return emptyThread(action.roomId, action.threadId);
    case 'page': {
      if (action.threadId !== view.threadId) return view;
      const { page } = action;
      const loaded: ThreadView = {
        ...view,
        root: page.root,
        replies: mergeReplies(page.replies, view.replies),
        hasMore: page.hasMore,
        loaded: true,
        queued: [],
      };
      return view.queued.reduce(applyEvent, loaded);
    }
    case 'older':
      if (action.threadId !== view.threadId) return view;
      return {
        ...view,
        replies: mergeReplies(view.replies, action.page.replies),
        hasMore: action.page.hasMore,
      };
    case 'event':
      if (action.event.roomId !== view.roomId) return view;
      if (!view.loaded) return { ...view, queued: [...view.queued, action.event] };
      return applyEvent(view, action.event);
  }
}
