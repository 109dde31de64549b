import { errorMessageOf } from '@confab/client';
import { type FileInfo, LIMITS } from '@confab/contracts';
import {
  useCallback,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { type ChatMessage, fromMessage, mergeOutgoing } from './chat-message.js';
import { useChatContext } from './provider.js';
import { emptyThread, type ThreadView, threadReducer } from './thread.js';

export interface UseThread {
  /** The message the thread hangs on; null until loaded. */
  root: ChatMessage | null;
  /** Oldest first: the thread's replies, then this user's pending and failed ones. */
  replies: readonly ChatMessage[];
  loaded: boolean;
  /** Older replies exist before the first one. */
  hasMore: boolean;
  loadingOlder: boolean;
  error: string | null;
  loadOlder(): Promise<void>;
  /**
   * Posts a reply in this thread through the SDK's outbox, like any send: shown at once as
   * pending, retried while offline, sent once. `alsoInRoom` shows it in the room's timeline too;
   * `files` are uploads to the room sent with it, in order (`body` may then be empty).
   */
  send(body: string, options?: { alsoInRoom?: boolean; files?: readonly FileInfo[] }): void;
}

// The outcome of a send shows in the reply's status; the promise itself is not needed.
const ignore = () => {};

/** One thread of a room: its root and replies, live, and replying in it. */
export function useThread(roomId: string, threadId: string): UseThread {
  const { client, store, user } = useChatContext();
  const [state, dispatch] = useReducer(threadReducer, emptyThread(roomId, threadId));
  // Until the reset for another thread has run, show it as loading, not the previous one.
  const view: ThreadView =
    state.roomId === roomId && state.threadId === threadId ? state : emptyThread(roomId, threadId);
  const [error, setError] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const outgoing = useSyncExternalStore(store.outgoing.state.subscribe, store.outgoing.state.get);
  const current = useRef(view);
  current.current = view;
  const loading = useRef(false);

  useEffect(() => {
    dispatch({ type: 'reset', roomId, threadId });
    setError(null);
    let cancelled = false;
    // Listen first, then read: a reply committed in between is queued, never missed.
    const stop = client.on('event', (event) => {
      if ('seq' in event && event.roomId === roomId) dispatch({ type: 'event', event });
    });
    client.api.message.thread.query({ roomId, threadId }).then(
      (page) => {
        if (!cancelled) dispatch({ type: 'page', threadId, page });
      },
      (err: unknown) => {
        if (!cancelled) setError(errorMessageOf(err));
      },
    );
    return () => {
      cancelled = true;
      stop();
    };
  }, [client, roomId, threadId]);

  const loadOlder = useCallback(async (): Promise<void> => {
    const { replies, hasMore, loaded } = current.current;
    const first = replies[0];
    if (!loaded || !hasMore || !first || loading.current) return;
    loading.current = true;
    setLoadingOlder(true);
    try {
      const page = await client.api.message.thread.query({
        roomId,
        threadId,
        beforeSeq: first.seq,
        limit: LIMITS.threadPageMax,
      });
      dispatch({ type: 'older', threadId, page });
    } catch (err) {
      setError(errorMessageOf(err));
    } finally {
      loading.current = false;
      setLoadingOlder(false);
    }
  }, [client, roomId, threadId]);

  const send = useCallback(
    (body: string, options: { alsoInRoom?: boolean; files?: readonly FileInfo[] } = {}) => {
      const alsoInRoom = options.alsoInRoom === true ? { alsoInRoom: true } : {};
      store.outgoing.send(roomId, body, { threadId, ...alsoInRoom }, options.files).catch(ignore);
    },
    [store, roomId, threadId],
  );

  const meId = user?.id ?? null;
  const replies = useMemo(
    () => mergeOutgoing(roomId, view.replies, outgoing, meId, threadId),
    [roomId, view.replies, outgoing, meId, threadId],
  );
  const root = useMemo(() => (view.root ? fromMessage(view.root, meId) : null), [view.root, meId]);

  return {
    root,
    replies,
    loaded: view.loaded,
    hasMore: view.hasMore,
    loadingOlder,
    error,
    loadOlder,
    send,
  };
}
