import type { HistoryPage, Message, RoomEvent } from '@confab/contracts';

/**
 * The messages of one open room, in seq order, each seq once.
 *
 * Events that arrive while the first history page is in flight are queued and applied after it:
 * the page may have been read before or after them, and applying an event to a page that already
 * reflects it is harmless, whereas dropping it could lose an edit.
 */
export interface Timeline {
  messages: Message[];
  /** Highest log seq this timeline reflects (messages and other events alike). */
  lastSeq: number;
  /** Older messages exist before the first one. */
  hasMore: boolean;
  loaded: boolean;
  pending: RoomEvent[];
}

export type TimelineAction =
  | { type: 'history'; page: HistoryPage }
  | { type: 'older'; page: HistoryPage }
  | { type: 'event'; event: RoomEvent }
  | { type: 'sent'; message: Message };

export const emptyTimeline: Timeline = {
  messages: [],
  lastSeq: 0,
  hasMore: false,
  loaded: false,
  pending: [],
};

/** Merges by seq; `preferIncoming` lets a fresher server read replace what is held. */
function merge(current: Message[], incoming: Message[], preferIncoming: boolean): Message[] {
  const bySeq = new Map<number, Message>();
  for (const message of current) bySeq.set(message.seq, message);
  for (const message of incoming) {
    if (preferIncoming || !bySeq.has(message.seq)) bySeq.set(message.seq, message);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function maxSeq(messages: Message[], floor: number): number {
  return messages.reduce((max, m) => Math.max(max, m.seq), floor);
}

function patch(messages: Message[], id: string, change: Partial<Message>): Message[] {
  return messages.map((m) => (m.id === id ? { ...m, ...change } : m));
}

function applyEvent(timeline: Timeline, event: RoomEvent): Timeline {
  const lastSeq = Math.max(timeline.lastSeq, event.seq);
  switch (event.type) {
    case 'message.created':
      return { ...timeline, lastSeq, messages: merge(timeline.messages, [event.message], false) };
    case 'message.edited':
      return {
        ...timeline,
        lastSeq,
        messages: patch(timeline.messages, event.messageId, {
          body: event.body,
          editedAt: event.at,
        }),
      };
    case 'message.deleted':
      return {
        ...timeline,
        lastSeq,
        messages: patch(timeline.messages, event.messageId, { body: '', deletedAt: event.at }),
      };
    default:
      return { ...timeline, lastSeq };
  }
}

export function timelineReducer(timeline: Timeline, action: TimelineAction): Timeline {
  switch (action.type) {
    case 'history': {
      const messages = merge(timeline.messages, action.page.messages, true);
      const loadedTimeline: Timeline = {
        messages,
        lastSeq: maxSeq(messages, timeline.lastSeq),
        hasMore: action.page.hasMore,
        loaded: true,
        pending: [],
      };
      return timeline.pending.reduce(applyEvent, loadedTimeline);
    }
    case 'older':
      return {
        ...timeline,
        messages: merge(timeline.messages, action.page.messages, false),
        hasMore: action.page.hasMore,
      };
    case 'event':
      if (!timeline.loaded) return { ...timeline, pending: [...timeline.pending, action.event] };
      return applyEvent(timeline, action.event);
    case 'sent': {
      const messages = merge(timeline.messages, [action.message], false);
      return { ...timeline, messages, lastSeq: maxSeq(messages, timeline.lastSeq) };
    }
  }
}
