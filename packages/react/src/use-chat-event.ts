import type { ChatEvent } from '@confab/client';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { useChatClient } from './provider.js';

/** Calls `listener` with every event the stream delivers (room events once each, in order). */
export function useChatEvent(listener: (event: ChatEvent) => void): void {
  const client = useChatClient();
  // The latest listener, so the subscription is made once and not on every render.
  const latest = useRef(listener);
  useLayoutEffect(() => {
    latest.current = listener;
  });
  useEffect(() => client.on('event', (event) => latest.current(event)), [client]);
}
