import { type ConnectionState, errorCodeOf, errorMessageOf, type Transport } from '@confab/client';
import type { RoomEvent } from '@confab/contracts';
import { useEffect, useRef, useState } from 'react';
import { useChatClient } from './chat-client';
import { SIGNED_OUT_CODES } from './format';

interface Handlers {
  /** An entry of one of the user's rooms' logs (the SDK delivers each once, in seq order). */
  onEvent: (event: RoomEvent) => void;
  /** The user's read marker moved on some device: unread counts changed. */
  onReadUpdated: () => void;
  /** The session ended (signed out elsewhere, revoked, expired). */
  onSignedOut: () => void;
}

export interface StreamStatus {
  state: ConnectionState;
  transport: Transport | null;
  /** Why the last attempt failed, while reconnecting. */
  error: string | null;
}

/**
 * Starts the SDK's live stream for the signed-in view and listens to it. `generation`
 * increases each time the stream (re)connects, so that open views can catch up on what they
 * may have missed while it was down.
 */
export function useEventStream(handlers: Handlers) {
  const client = useChatClient();
  const [status, setStatus] = useState<StreamStatus>({
    state: client.state,
    transport: client.transport,
    error: null,
  });
  const [generation, setGeneration] = useState(0);
  // The latest handlers, so listeners are attached once and not on every render.
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;

  useEffect(() => {
    const stopEvents = client.on('event', (event) => {
      if ('actorId' in event) handlersRef.current.onEvent(event);
      else if (event.type === 'read.updated') handlersRef.current.onReadUpdated();
      // 'push' and 'announcement' signals are not shown by this version.
    });
    const stopState = client.on('state', (change) => {
      if (change.state === 'closed' && SIGNED_OUT_CODES.has(errorCodeOf(change.error))) {
        handlersRef.current.onSignedOut();
        return;
      }
      if (change.state === 'connected') setGeneration((g) => g + 1);
      setStatus({
        state: change.state,
        transport: change.transport,
        error: change.error === undefined ? null : errorMessageOf(change.error),
      });
    });
    client.connect();
    return () => {
      stopEvents();
      stopState();
    };
  }, [client]);

  return { status, generation };
}
