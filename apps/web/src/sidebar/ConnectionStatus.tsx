import type { Transport } from '@confab/client';
import { useConnection } from '@confab/react';
import { useEffect, useState } from 'react';

export const TRANSPORT_NAMES: Record<Transport, string> = {
  ws: 'WebSocket',
  sse: 'SSE',
  poll: 'long polling',
};

/** Seconds until `at`, ticking once a second while there is one. */
function useCountdown(at: number | null): number | null {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (at === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [at]);
  return at === null ? null : Math.max(0, Math.ceil((at - now) / 1_000));
}

/** The live stream's state: connected (and how), reconnecting (and when), or offline. */
export function ConnectionStatus() {
  const { state, transport, retryAt } = useConnection();
  const seconds = useCountdown(state === 'reconnecting' ? retryAt : null);
  let text: string;
  switch (state) {
    case 'connected':
      text = transport ? `Connected via ${TRANSPORT_NAMES[transport]}` : 'Connected';
      break;
    case 'connecting':
      text = 'Connecting…';
      break;
    case 'reconnecting':
      text = seconds ? `Reconnecting in ${seconds} s…` : 'Reconnecting…';
      break;
    case 'offline':
      text = 'Offline';
      break;
    case 'closed':
      text = 'Disconnected';
      break;
  }
  // On a phone the words are hidden (visually only: screen readers still hear them) and the dot
  // stands alone, with the words as its tooltip; see .connection-text in sidebar.css.
  return (
    <div
      className={`connection connection-${state}`}
      role="status"
      aria-label="Connection"
      title={text}
    >
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-text">
        {seconds ? (
          <>
            {/* The countdown ticks every second: seen, not read out each time. */}
            <span aria-hidden="true" data-testid="countdown">
              {text}
            </span>
            <span className="visually-hidden">Reconnecting</span>
          </>
        ) : (
          text
        )}
      </span>
    </div>
  );
}
