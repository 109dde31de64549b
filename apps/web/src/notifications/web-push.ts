import type { SubscribePushInput } from '@confab/contracts';

/** The service worker: a static file at the app's root (apps/web/public/sw.js). */
export const WORKER_URL = '/sw.js';

/** How long registering the worker or subscribing may take before push counts as unavailable. */
const STEP_TIMEOUT_MS = 10_000;

/** Why Web Push cannot be used here; its message is meant for the person. */
export class PushUnavailableError extends Error {
  override name = 'PushUnavailableError';
}

export function pushSupported(): boolean {
  return 'serviceWorker' in navigator && typeof PushManager !== 'undefined';
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new PushUnavailableError(`${what} did not answer in time`)),
      STEP_TIMEOUT_MS,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Registers the service worker and waits until it is active. */
export async function activeRegistration(): Promise<ServiceWorkerRegistration> {
  try {
    await navigator.serviceWorker.register(WORKER_URL, { scope: '/' });
    return await withTimeout(navigator.serviceWorker.ready, 'The service worker');
  } catch (error) {
    throw new PushUnavailableError(`The service worker could not start: ${reason(error)}`);
  }
}

/** The registration this page would use, if the worker was registered before. */
export async function existingRegistration(): Promise<ServiceWorkerRegistration | undefined> {
  if (!pushSupported()) return undefined;
  return navigator.serviceWorker.getRegistration('/');
}

/** Base64url (the VAPID public key) to bytes. */
function base64UrlBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function sameBytes(a: ArrayBuffer | null, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.length) return false;
  const view = new Uint8Array(a);
  return view.every((byte, i) => byte === b[i]);
}

/**
 * This browser's push subscription for the server's key: the existing one when it was made for
 * that key, else a new one (a subscription for another key is dropped first).
 */
export async function subscribeBrowser(
  registration: ServiceWorkerRegistration,
  publicKey: string,
): Promise<PushSubscription> {
  const key = base64UrlBytes(publicKey);
  const existing = await registration.pushManager.getSubscription();
  if (existing && sameBytes(existing.options.applicationServerKey, key)) return existing;
  if (existing) await existing.unsubscribe();
  try {
    return await withTimeout(
      registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }),
      'The push service',
    );
  } catch (error) {
    throw new PushUnavailableError(reason(error));
  }
}

/** What notifications.subscribePush takes, from a subscription. */
export function subscriptionInput(subscription: PushSubscription): SubscribePushInput {
  const { endpoint, keys } = subscription.toJSON();
  const p256dh = keys?.p256dh;
  const auth = keys?.auth;
  if (!endpoint || !p256dh || !auth)
    throw new PushUnavailableError('The browser gave a push subscription without its keys');
  return { endpoint, keys: { p256dh, auth } };
}
