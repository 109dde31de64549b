import { errorMessageOf } from '@confab/client';
import { LIMITS, type RoomNotice } from '@confab/contracts';
import {
  useCallback,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { type ChatMessage, mergeOutgoing } from './chat-message.js';
import { loadStart, type MessagesStart, NEWEST, startKey } from './history-window.js';
import { useChatContext } from './provider.js';
import { emptyTimeline, type Timeline, type TimelineAction, timelineReducer } from './timeline.js';

export interface UseMessagesOptions {
  /** Messages in the first page. @default 50 */
  firstPageSize?: number;
  /** Messages per older page. @default 100 (the most the server gives) */
  olderPageSize?: number;
  /**
   * Where the conversation opens (see MessagesStart); null holds off loading until it is known
   * (e.g. until the read marker is). A new value reloads there. @default { at: 'newest' }
   */
  start?: MessagesStart | null;
}

export interface UseMessages {
  /** Oldest first: the room's messages, then this user's pending and failed ones. */
  messages: readonly ChatMessage[];
  /**
   * The room's notices among the loaded messages (joins, leaves, removals, renames, role
   * changes), in seq order, each once: from history pages, and live at the live end.
   */
  notices: readonly RoomNotice[];
  /** The first page is in. */
  loaded: boolean;
  /** Older messages exist before the first one. */
  hasMore: boolean;
  /**
   * Older messages existed and were deleted by the room's retention: the view shows that
   * instead of the start of the conversation.
   */
  olderDeleted: boolean;
  loadingOlder: boolean;
  error: string | null;
  /** Highest seq of the room's log this view reflects: what "read up to here" means. */
  lastSeq: number;
  /** Loads the page before the first message (one load at a time). */
  loadOlder(): Promise<void>;
  /** Where this view was loaded from: `start`, or where jumpTo() last went. */
  start: MessagesStart;
  /** Newer messages exist after the last one: a window that has not reached the live end. */
  hasNewer: boolean;
  loadingNewer: boolean;
  /** Loads the page after the last message of a window (one load at a time). */
  loadNewer(): Promise<void>;
  /** Loads the conversation again from elsewhere (the newest messages, the first unread). */
  jumpTo(start: MessagesStart): void;
}

/**
 * One room's conversation: the newest history page, older pages on demand, live events from the
 * stream (each once, in order), and the user's outgoing messages from the outbox merged in.
 */
export function useMessages(roomId: string, options: UseMessagesOptions = {}): UseMessages {
  const { client, store, user } = useChatContext();
  const firstPageSize = options.firstPageSize ?? LIMITS.historyPageDefault;
  const olderPageSize = options.olderPageSize ?? LIMITS.historyPageMax;
  const [state, dispatch] = useReducer(timelineReducer, roomId, emptyTimeline);
  // Until the reset for a new room has run, show that room as empty, not the previous one.
  const timeline: Timeline = state.roomId === roomId ? state : emptyTimeline(roomId);
  const [error, setError] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const outgoing = useSyncExternalStore(store.outgoing.state.subscribe, store.outgoing.state.get);
  const current = useRef(timeline);
  current.current = timeline;
  const loading = useRef(false);
  const [loadingNewer, setLoadingNewer] = useState(false);
  const loadingNewerRef = useRef(false);
  // A jump wins over the given start until the given start changes.
  const given = options.start === undefined ? NEWEST : options.start;
  const givenKey = given === null ? null : startKey(given);
  const [jumped, setJumped] = useState<{ start: MessagesStart; over: string | null; n: number }>();
  const start = jumped && jumped.over === givenKey ? jumped.start : given;
  const loadKey = start === null ? null : `${startKey(start)}#${jumped?.n ?? 0}`;
  const startRef = useRef(start);
  startRef.current = start;
  const contextSize = firstPageSize;

  useEffect(() => {
    dispatch({ type: 'reset', roomId });
    setError(null);
    const from = startRef.current;
    if (loadKey === null || from === null) return;
    let cancelled = false;
    // Listen first, then read: an event committed in between is queued, never missed.
    const stop = client.on('event', (event) => {
      if (('seq' in event || event.type === 'history.truncated') && event.roomId === roomId)
        dispatch({ type: 'event', event });
    });
    const sizes = { firstPageSize, contextSize };
    const land = (action: TimelineAction) => {
      if (!cancelled) dispatch(action);
    };
    const fail = (err: unknown) => {
      if (!cancelled) setError(errorMessageOf(err));
    };
    loadStart(client, roomId, from, sizes).then(land, (err: unknown) => {
      fail(err);
      // A link to a message that is gone (deleted, or not in this room) still opens the room.
      if (from.at === 'message' && !cancelled)
        loadStart(client, roomId, NEWEST, sizes).then(land, fail);
    });
    return () => {
      cancelled = true;
      stop();
    };
  }, [client, roomId, firstPageSize, contextSize, loadKey]);

  const loadOlder = useCallback(async (): Promise<void> => {
    const { messages, hasMore, loaded } = current.current;
    const first = messages[0];
    if (!loaded || !hasMore || !first || loading.current) return;
    loading.current = true;
    setLoadingOlder(true);
    try {
      const page = await client.api.message.history.query({
        roomId,
        beforeSeq: first.seq,
        limit: olderPageSize,
      });
      dispatch({ type: 'older', roomId, page });
    } catch (err) {
      setError(errorMessageOf(err));
    } finally {
      loading.current = false;
      setLoadingOlder(false);
    }
  }, [client, roomId, olderPageSize]);

  const loadNewer = useCallback(async (): Promise<void> => {
    const { messages, hasNewer, loaded } = current.current;
    const last = messages.at(-1);
    if (!loaded || !hasNewer || !last || loadingNewerRef.current) return;
    loadingNewerRef.current = true;
    setLoadingNewer(true);
    try {
      const page = await client.api.message.history.query({
        roomId,
        afterSeq: last.seq,
        limit: olderPageSize,
      });
      dispatch({ type: 'newer', roomId, page });
    } catch (err) {
      setError(errorMessageOf(err));
    } finally {
      loadingNewerRef.current = false;
      setLoadingNewer(false);
    }
  }, [client, roomId, olderPageSize]);

  const jumpTo = useCallback(
    (to: MessagesStart) => setJumped((j) => ({ start: to, over: givenKey, n: (j?.n ?? 0) + 1 })),
    [givenKey],
  );

  const meId = user?.id ?? null;
  const messages = useMemo(
    () => mergeOutgoing(roomId, timeline.messages, outgoing, meId),
    [roomId, timeline.messages, outgoing, meId],
  );

  return {
    messages,
    notices: timeline.notices,
    loaded: timeline.loaded,
    hasMore: timeline.hasMore,
    olderDeleted: !timeline.hasMore && timeline.startSeq > 1,
    loadingOlder,
    error,
    lastSeq: timeline.lastSeq,
    loadOlder,
    start: start ?? NEWEST,
    hasNewer: timeline.hasNewer,
    loadingNewer,
    loadNewer,
    jumpTo,
  };
}
