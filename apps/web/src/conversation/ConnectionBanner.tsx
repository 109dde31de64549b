import { useConnection } from '@confab/react';

/** While the stream is down: what happens to messages sent now (they wait, then go, once). */
export function ConnectionBanner() {
  const { state } = useConnection();
  if (state !== 'offline' && state !== 'reconnecting') return null;
  return (
    <p className={`banner banner-${state}`} data-testid="connection-banner">
      {state === 'offline'
        ? 'You are offline. Messages you send now will go out when you are back online.'
        : 'Reconnecting… Messages you send will go out as soon as the connection is back.'}
    </p>
  );
}
