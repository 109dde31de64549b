import { useEffect } from 'react';
import { useChatClient } from './provider.js';

/**
 * Tells the server whether the person is here: a hidden tab counts as away, so others see
 * them "away" rather than "online" while the app is in the background.
 */
export function useReportActivity(): void {
  const client = useChatClient();
  useEffect(() => {
    if (typeof document === 'undefined') return;
    const report = () => {
      client.setActive(document.visibilityState === 'visible').catch(() => {
        // Best effort: presence is a hint, and the next change reports again.
      });
    };
    // A tab opened in the background starts away (the server assumes a new device is active).
    if (document.visibilityState !== 'visible') report();
    document.addEventListener('visibilitychange', report);
    return () => document.removeEventListener('visibilitychange', report);
  }, [client]);
}
