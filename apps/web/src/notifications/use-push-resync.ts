import { useChatClient } from '@confab/react';
import { useEffect } from 'react';
import { desktopNotificationsAllowed, notificationPreference } from './preference';
import { existingRegistration, subscriptionInput } from './web-push';

/**
 * On sign-in, hands this browser's existing push subscription to the new session: the server
 * keeps one per device session, and drops it when that session ends.
 */
export function usePushResync(): void {
  const client = useChatClient();
  useEffect(() => {
    if (!desktopNotificationsAllowed() || notificationPreference() !== 'on') return;
    void (async () => {
      try {
        const registration = await existingRegistration();
        const subscription = await registration?.pushManager.getSubscription();
        if (subscription)
          await client.api.notifications.subscribePush.mutate(subscriptionInput(subscription));
      } catch {
        // Best effort: Settings shows the state and sets it up again when opened.
      }
    })();
  }, [client]);
}
