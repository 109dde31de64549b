import {
  type ContextPage,
  type HistoryPage,
  type HistoryTruncated,
  isRoomNotice,
  type Message,
  type RoomEvent,
  type RoomNotice,
} from '@confab/contracts';
import { inTimeline, messageChange, withThreadReply } from './message-events.js';
import { mergeNotices, noticesFrom } from './timeline-notices.js';

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
  /**
   * The room's notices (joins, leaves, renames, role changes) among the loaded messages, in seq
   * order, each seq once: from history pages and, at the live end, from the stream.
   */
  notices: readonly RoomNotice[];
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
  /**
   * Newer messages exist after the last one: the timeline is a window into history (a message
   * link, catching up) that has not reached the live end yet. Paging forward joins it.
   */
  hasNewer: boolean;
  /** Live events past the window, held (at most MAX_HELD) until paging forward reaches them. */
  held: readonly TimelineEvent[];
}

/**
 * Live events kept while a window is away from the live end. More than this and the oldest go:
 * they were committed long before the forward page that joins the live end is read, so it has them.
 */
const MAX_HELD = 2000;

export type TimelineAction =
  | { type: 'reset'; roomId: string }
  | { type: 'history'; roomId: string; page: HistoryPage }
  | { type: 'older'; roomId: string; page: HistoryPage }
  /** The first page of a window into history: around a message, or from the first unread. */
  | { type: 'window'; roomId: string; page: ContextPage }
  /** The page after the window's last message (`hasMore`: newer ones exist still). */
  | { type: 'newer'; roomId: string; page: HistoryPage }
  | { type: 'event'; event: TimelineEvent };

export function emptyTimeline(roomId: string | null): Timeline {
  return {
    roomId,
    messages: [],
    notices: [],
    lastSeq: 0,
    hasMore: false,
    startSeq: 1,
    loaded: false,
    queued: [],
    hasNewer: false,
    held: [],
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

/** The highest seq among the entries (messages, notices), or `floor`. */
function maxSeq(entries: readonly { seq: number }[], floor: number): number {
  return entries.reduce((max, m) => Math.max(max, m.seq), floor);
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
      notices: noticesFrom(timeline.notices, startSeq),
    };
  }
  if (timeline.hasNewer) return held(timeline, event);
  const lastSeq = Math.max(timeline.lastSeq, event.seq);
  if (isRoomNotice(event))
    return { ...timeline, lastSeq, notices: mergeNotices(timeline.notices, [event]) };
  switch (event.type) {
    case 'message.created': {
      const { message } = event;
      // A thread reply counts on its root; only an "also send to room" one joins the timeline.
      const counted =
        message.threadId === undefined
          ? timeline.messages
          : patch(timeline.messages, message.threadId, (root) => withThreadReply(root, message));
      const messages = inTimeline(message) ? merge(counted, [message], false) : counted;
      return { ...timeline, lastSeq, messages };
    }
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
    default: {
      // Reactions and pins change the message they name.
      const change = messageChange(event);
      if (!change) return { ...timeline, lastSeq };
      return {
        ...timeline,
        lastSeq,
        messages: patch(timeline.messages, change.messageId, change.change),
      };
    }
  }
}

/**
 * A live event while the window has not reached the live end: new messages are not added (they
 * would leave a gap); changes to the window's messages show now. All of them are applied again,
 * in order, when the window joins the live end (each is idempotent, see message-events.ts).
 */
function held(timeline: Timeline, event: RoomEvent): Timeline {
  const kept = [...timeline.held, event].slice(-MAX_HELD);
  // A notice past the window would leave a gap too: it shows once the window gets there.
  if (event.type === 'message.created' || isRoomNotice(event)) return { ...timeline, held: kept };
  const changed = applyEvent({ ...timeline, hasNewer: false }, event);
  return { ...changed, lastSeq: timeline.lastSeq, hasNewer: true, held: kept };
}

/**
 * A page of history merged in: its messages and notices, where the server's history starts,
 * more or not.
 */
function withPage(timeline: Timeline, page: HistoryPage, preferIncoming: boolean): Timeline {
  const startSeq = Math.max(timeline.startSeq, page.startSeq);
  return {
    ...timeline,
    messages: fromStart(merge(timeline.messages, page.messages, preferIncoming), startSeq),
    notices: noticesFrom(mergeNotices(timeline.notices, page.notices), startSeq),
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
        lastSeq: maxSeq(merged.messages, maxSeq(merged.notices, timeline.lastSeq)),
        loaded: true,
        queued: [],
        hasNewer: false,
        held: [],
      };
      return timeline.queued.reduce(applyEvent, loaded);
    }
    case 'older':
      if (action.roomId !== timeline.roomId) return timeline;
      return withPage(timeline, action.page, false);
    case 'window': {
      if (action.roomId !== timeline.roomId) return timeline;
      const { page } = action;
      const merged = withPage(
        timeline,
        {
          messages: page.messages,
          hasMore: page.hasMoreBefore,
          startSeq: page.startSeq,
          notices: page.notices,
        },
        true,
      );
      const loaded: Timeline = {
        ...merged,
        lastSeq: maxSeq(merged.messages, maxSeq(merged.notices, timeline.lastSeq)),
        loaded: true,
        queued: [],
        hasNewer: page.hasMoreAfter,
        held: [],
      };
      return timeline.queued.reduce(applyEvent, loaded);
    }
    case 'newer': {
      if (action.roomId !== timeline.roomId || !timeline.hasNewer) return timeline;
      const messages = merge(timeline.messages, action.page.messages, true);
      const notices = noticesFrom(
        mergeNotices(timeline.notices, action.page.notices),
        timeline.startSeq,
      );
      const paged: Timeline = {
        ...timeline,
        messages: fromStart(messages, timeline.startSeq),
        notices,
        lastSeq: maxSeq(messages, maxSeq(notices, timeline.lastSeq)),
        hasNewer: action.page.hasMore,
      };
      if (paged.hasNewer) return paged;
      // Joined the live end: what happened meanwhile applies now, in order.
      return timeline.held.reduce(applyEvent, { ...paged, held: [] });
    }
    case 'event':
      if (action.event.roomId !== timeline.roomId) return timeline;
      if (!timeline.loaded) return { ...timeline, queued: [...timeline.queued, action.event] };
      return applyEvent(timeline, action.event);
  }
}
