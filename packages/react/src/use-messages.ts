import { errorMessageOf } from '@confab/client';
import { LIMITS } from '@confab/contracts';
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
import { useChatContext } from './provider.js';
import { emptyTimeline, type Timeline, timelineReducer } from './timeline.js';

export interface UseMessagesOptions {
  /** Messages in the first page. @default 50 */
  firstPageSize?: number;
  /** Messages per older page. @default 100 (the most the server gives) */
  olderPageSize?: number;
}

export interface UseMessages {
  /** Oldest first: the room's messages, then this user's pending and failed ones. */
  messages: readonly ChatMessage[];
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

  useEffect(() => {
    dispatch({ type: 'reset', roomId });
    setError(null);
    let cancelled = false;
    // Listen first, then read: an event committed in between is queued, never missed.
    const stop = client.on('event', (event) => {
      if (('seq' in event || event.type === 'history.truncated') && event.roomId === roomId)
        dispatch({ type: 'event', event });
    });
    client.api.message.history.query({ roomId, limit: firstPageSize }).then(
      (page) => {
        if (!cancelled) dispatch({ type: 'history', roomId, page });
      },
      (err: unknown) => {
        if (!cancelled) setError(errorMessageOf(err));
      },
    );
    return () => {
      cancelled = true;
      stop();
    };
  }, [client, roomId, firstPageSize]);

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

  const meId = user?.id ?? null;
  const messages = useMemo(
    () => mergeOutgoing(roomId, timeline.messages, outgoing, meId),
    [roomId, timeline.messages, outgoing, meId],
  );

  return {
    messages,
    loaded: timeline.loaded,
    hasMore: timeline.hasMore,
    olderDeleted: !timeline.hasMore && timeline.startSeq > 1,
    loadingOlder,
    error,
    lastSeq: timeline.lastSeq,
    loadOlder,
  };
}
