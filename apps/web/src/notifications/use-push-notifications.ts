import { type ChatClient, errorMessageOf } from '@confab/client';
import { useChatClient } from '@confab/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { notificationPreference, saveNotificationPreference } from './preference';
import {
  activeRegistration,
  existingRegistration,
  PushUnavailableError,
  pushSupported,
  subscribeBrowser,
  subscriptionInput,
} from './web-push';

export type PushStatus =
  /** The browser has no Notification API. */
  | { kind: 'unsupported' }
  /** The person (or a policy) refused notifications for the site. */
  | { kind: 'blocked' }
  | { kind: 'off'; error?: string }
  | { kind: 'working'; action: 'enabling' | 'disabling' }
  /** Subscribed to Web Push: notified even with Confab closed. */
  | { kind: 'on' }
  /** Allowed, but no Web Push: only an open tab notifies (`cause` says whose fault). */
  | { kind: 'tab-only'; cause: 'browser' | 'server'; detail: string };

function startingStatus(): PushStatus {
  if (typeof Notification === 'undefined') return { kind: 'unsupported' };
  if (Notification.permission === 'denied') return { kind: 'blocked' };
  if (Notification.permission === 'granted' && notificationPreference() === 'on')
    return { kind: 'working', action: 'enabling' };
  return { kind: 'off' };
}

/** Registers the worker, subscribes this browser with the server's key, and tells the server. */
async function connectPush(client: ChatClient): Promise<PushStatus> {
  if (!pushSupported())
    return { kind: 'tab-only', cause: 'browser', detail: 'This browser has no Web Push.' };
  try {
    const registration = await activeRegistration();
    const { publicKey } = await client.api.notifications.vapidPublicKey.query();
    const subscription = await subscribeBrowser(registration, publicKey);
    await client.api.notifications.subscribePush.mutate(subscriptionInput(subscription));
    return { kind: 'on' };
  } catch (error) {
    if (error instanceof PushUnavailableError)
      return { kind: 'tab-only', cause: 'browser', detail: error.message };
    return { kind: 'tab-only', cause: 'server', detail: errorMessageOf(error) };
  }
}

/** Drops this browser's push subscription, here and on the server. */
async function disconnectPush(client: ChatClient): Promise<void> {
  const registration = await existingRegistration();
  const subscription = await registration?.pushManager.getSubscription();
  if (!subscription) return;
  const { endpoint } = subscription;
  await subscription.unsubscribe();
  await client.api.notifications.unsubscribePush.mutate({ endpoint });
}

/**
 * "Enable notifications" for this browser: the permission, then Web Push when the browser has a
 * push service. Turned on before, it is set up again on arrival (no prompt: already allowed).
 */
export function usePushNotifications() {
  const client = useChatClient();
  const [status, setStatus] = useState<PushStatus>(startingStatus);
  // Only the latest operation's outcome lands, and none after unmounting.
  const latest = useRef(0);

  const enable = useCallback(async () => {
    const run = ++latest.current;
    const land = (next: PushStatus) => {
      if (run === latest.current) setStatus(next);
    };
    land({ kind: 'working', action: 'enabling' });
    const permission =
      Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
    if (permission === 'denied') return land({ kind: 'blocked' });
    if (permission !== 'granted') return land({ kind: 'off' });
    saveNotificationPreference('on');
    land(await connectPush(client));
  }, [client]);

  const disable = useCallback(async () => {
    const run = ++latest.current;
    setStatus({ kind: 'working', action: 'disabling' });
    saveNotificationPreference('off');
    let error: string | undefined;
    try {
      await disconnectPush(client);
    } catch (err) {
      error = `This browser may still get notifications: ${errorMessageOf(err)}`;
    }
    if (run === latest.current) setStatus(error ? { kind: 'off', error } : { kind: 'off' });
  }, [client]);

  // Turned on earlier: set up again (the subscription may have expired or be new to this session).
  useEffect(() => {
    if (startingStatus().kind === 'working') void enable();
    return () => {
      latest.current++;
    };
  }, [enable]);

  return { status, enable, disable };
}
