import { errorMessageOf } from '@confab/client';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { useChatClient } from './chat-client';
import type { EventHub } from './event-hub';
import { emptyTimeline, timelineReducer } from './timeline';

/**
 * The open room's messages: the newest history page, then live events from the hub, then, each
 * time the stream (re)starts (`generation`), the log entries missed meanwhile.
 */
export function useTimeline(roomId: string, hub: EventHub, generation: number) {
  const client = useChatClient();
  const [timeline, dispatch] = useReducer(timelineReducer, emptyTimeline);
  const [error, setError] = useState<string | null>(null);
  const lastSeq = useRef(0);
  lastSeq.current = timeline.lastSeq;
  // The stream generation the timeline is known to be complete for.
  const caughtUp = useRef(generation);

  useEffect(() => {
    let cancelled = false;
    const stop = hub.listen((event) => {
      if (event.roomId === roomId) dispatch({ type: 'event', event });
    });
    client.api.message.history.query({ roomId }).then(
      (page) => {
        if (!cancelled) dispatch({ type: 'history', page });
      },
      (err: unknown) => {
        if (!cancelled) setError(errorMessageOf(err));
      },
    );
    return () => {
      cancelled = true;
      stop();
    };
  }, [client, hub, roomId]);

  useEffect(() => {
    if (!timeline.loaded || caughtUp.current === generation) return;
    caughtUp.current = generation;
    let cancelled = false;
    (async () => {
      let afterSeq = lastSeq.current;
      for (;;) {
        const page = await client.api.message.eventsAfter.query({ roomId, afterSeq });
        if (cancelled) return;
        for (const event of page.events) dispatch({ type: 'event', event });
        const last = page.events.at(-1);
        if (!page.hasMore || !last) return;
        afterSeq = last.seq;
      }
    })().catch((err: unknown) => {
      if (!cancelled) setError(errorMessageOf(err));
    });
    return () => {
      cancelled = true;
    };
  }, [client, roomId, generation, timeline.loaded]);

  const first = timeline.messages[0];
  const loadOlder = useCallback(async (): Promise<void> => {
    if (!first) return;
    try {
      const page = await client.api.message.history.query({ roomId, beforeSeq: first.seq });
      dispatch({ type: 'older', page });
    } catch (err) {
      setError(errorMessageOf(err));
    }
  }, [client, roomId, first]);

  return { timeline, dispatch, error, loadOlder };
}
