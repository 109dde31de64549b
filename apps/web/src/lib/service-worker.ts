import { WORKER_URL } from '../notifications/web-push';

/**
 * Registers the service worker on every start, not only when Web Push is turned on: it keeps
 * the app shell for reloads while offline (public/sw.js). It waits for the page's `load` so its
 * precache download never competes with the first render's own requests.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register(WORKER_URL, { scope: '/' }).catch((error: unknown) => {
      // Offline reloads are then unavailable; the app itself works as before.
      console.warn('The service worker could not be registered', error);
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
