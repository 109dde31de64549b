import type { HistoryPage, HistoryTruncated, Message, RoomEvent } from '@confab/contracts';

/** What the stream tells a timeline: its room's log entries, and where retention cut it. */
export type TimelineEvent = RoomEvent | HistoryTruncated;

/**
 * The confirmed messages of one room, in seq order, each seq once.
 *
 * Live events are listened to before the first history page is asked for; those that arrive
 * while it is in flight are queued and applied after it. The page may already reflect some of
 * them, and applying an event twice is harmless (a message is kept once per seq, an edit sets
 * the same body), whereas dropping one could lose an edit.
 */
export interface Timeline {
  roomId: string | null;
  messages: readonly Message[];
  /** Highest log seq this timeline reflects (messages and other events alike). */
  lastSeq: number;
  /** Older messages exist before the first one. */
  hasMore: boolean;
  /**
   * The first seq the server still keeps: messages before it were deleted by retention. Above 1
   * with `hasMore` false, the view shows that older messages were deleted (not a silent gap).
   */
  startSeq: number;
  loaded: boolean;
  queued: readonly TimelineEvent[];
}

export type TimelineAction =
  | { type: 'reset'; roomId: string }
  | { type: 'history'; roomId: string; page: HistoryPage }
  | { type: 'older'; roomId: string; page: HistoryPage }
  | { type: 'event'; event: TimelineEvent };

export function emptyTimeline(roomId: string | null): Timeline {
  return {
    roomId,
    messages: [],
    lastSeq: 0,
    hasMore: false,
    startSeq: 1,
    loaded: false,
    queued: [],
  };
}

/** Merges by seq; `preferIncoming` lets a fresher server read replace what is held. */
function merge(
  current: readonly Message[],
  incoming: readonly Message[],
  preferIncoming: boolean,
): Message[] {
  const bySeq = new Map<number, Message>();
  for (const message of current) bySeq.set(message.seq, message);
  for (const message of incoming) {
    if (preferIncoming || !bySeq.has(message.seq)) bySeq.set(message.seq, message);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function maxSeq(messages: readonly Message[], floor: number): number {
  return messages.reduce((max, m) => Math.max(max, m.seq), floor);
}

function patch(
  messages: readonly Message[],
  id: string,
  change: (message: Message) => Message,
): Message[] {
  return messages.map((m) => (m.id === id ? change(m) : m));
}

/** Drops what the server no longer keeps, once it said where its history begins. */
function fromStart(messages: readonly Message[], startSeq: number): readonly Message[] {
  return messages.some((m) => m.seq < startSeq)
    ? messages.filter((m) => m.seq >= startSeq)
    : messages;
}

function applyEvent(timeline: Timeline, event: TimelineEvent): Timeline {
  if (event.type === 'history.truncated') {
    const startSeq = Math.max(timeline.startSeq, event.beforeSeq);
    return {
      ...timeline,
      startSeq,
      lastSeq: Math.max(timeline.lastSeq, startSeq - 1),
      messages: fromStart(timeline.messages, startSeq),
    };
  }
  const lastSeq = Math.max(timeline.lastSeq, event.seq);
  switch (event.type) {
    case 'message.created':
      return { ...timeline, lastSeq, messages: merge(timeline.messages, [event.message], false) };
    case 'message.edited':
      return {
        ...timeline,
        lastSeq,
        messages: patch(timeline.messages, event.messageId, (m) =>
          // A deleted message stays a tombstone.
          m.deletedAt === null ? { ...m, body: event.body, editedAt: event.at } : m,
        ),
      };
    case 'message.deleted':
      return {
        ...timeline,
        lastSeq,
        messages: patch(timeline.messages, event.messageId, (m) => ({
          ...m,
          body: '',
          deletedAt: event.at,
        })),
      };
    default:
      return { ...timeline, lastSeq };
  }
}

/** A page of history merged in: its messages, where the server's history starts, more or not. */
function withPage(timeline: Timeline, page: HistoryPage, preferIncoming: boolean): Timeline {
  const startSeq = Math.max(timeline.startSeq, page.startSeq);
  return {
    ...timeline,
    messages: fromStart(merge(timeline.messages, page.messages, preferIncoming), startSeq),
    startSeq,
    hasMore: page.hasMore,
  };
}

export function timelineReducer(timeline: Timeline, action: TimelineAction): Timeline {
  switch (action.type) {
    case 'reset':
      return emptyTimeline(action.roomId);
    case 'history': {
      if (action.roomId !== timeline.roomId) return timeline;
      const merged = withPage(timeline, action.page, true);
      const loaded: Timeline = {
        ...merged,
        lastSeq: maxSeq(merged.messages, timeline.lastSeq),
        loaded: true,
        queued: [],
      };
      return timeline.queued.reduce(applyEvent, loaded);
    }
    case 'older':
      if (action.roomId !== timeline.roomId) return timeline;
      return withPage(timeline, action.page, false);
    case 'event':
      if (action.event.roomId !== timeline.roomId) return timeline;
      if (!timeline.loaded) return { ...timeline, queued: [...timeline.queued, action.event] };
      return applyEvent(timeline, action.event);
  }
}
