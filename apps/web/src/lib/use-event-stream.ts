import { errorCodeOf, errorMessageOf } from '@confab/client';
import type { RoomEvent } from '@confab/contracts';
import { useEffect, useRef, useState } from 'react';
import { useChatClient } from './chat-client';
import { SIGNED_OUT_CODES } from './format';

export type StreamStatus = 'connecting' | 'live' | 'error';

interface Handlers {
  onEvent: (event: RoomEvent) => void;
  /** The session ended (signed out elsewhere, revoked, expired). */
  onSignedOut: () => void;
}

/**
 * One subscription to `events.onEvent` for the whole signed-in view. It starts live (no
 * cursors); `generation` increases each time the stream (re)starts so that open views catch up
 * on what they may have missed while it was down, with `message.eventsAfter`.
 */
export function useEventStream(handlers: Handlers) {
  const client = useChatClient();
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  // The latest handlers, so the subscription is made once and not on every render.
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;

  useEffect(() => {
    const subscription = client.api.events.onEvent.subscribe(
      { cursors: {} },
      {
        onStarted: () => {
          setStatus('live');
          setError(null);
          setGeneration((g) => g + 1);
        },
        onData: (event) => handlersRef.current.onEvent(event),
        onError: (err) => {
          if (SIGNED_OUT_CODES.has(errorCodeOf(err))) {
            handlersRef.current.onSignedOut();
            return;
          }
          setStatus('error');
          setError(errorMessageOf(err));
        },
        onConnectionStateChange: (state) => {
          if (state.state === 'connecting') setStatus('connecting');
        },
      },
    );
    return () => subscription.unsubscribe();
  }, [client]);

  return { status, error, generation };
}
