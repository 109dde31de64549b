// Confab's service worker. Two jobs:
// - the app shell: a reload while offline shows the app, not the browser's error page. The
//   build (apps/web/vite/app-shell.ts) writes this deployment's index.html and hashed assets into
//   APP_SHELL below; they are cached at install, in a cache named after the deployment, and
//   a new deployment (a new sw.js, so a new worker) replaces that cache. index.html is fetched
//   network first (a deployment shows at once when online), hashed assets cache first (their
//   names change with their bytes). API routes are never touched: they go to the network as if
//   there were no worker, and nothing they answer is ever cached.
// - Web Push: a notification for each push (one per room, a newer one replacing the older
//   through its tag), opening the room when clicked. The push payload is
//   PushNotificationPayload in packages/contracts/src/notifications.ts.

// Filled in by the build; empty in development (`vite dev`), where nothing is cached.
const APP_SHELL = { version: '', files: [] };

const SHELL_CACHE_PREFIX = 'confab-shell-';
const SHELL_CACHE = `${SHELL_CACHE_PREFIX}${APP_SHELL.version}`;
const SHELL_ASSETS = new Set(APP_SHELL.files.filter((path) => path.startsWith('/assets/')));
/**
 * Paths the server answers itself (API, files and avatars, health, metrics): never from a cache,
 * and a file opened in a tab is the server's download, never the app's page.
 */
const API_PATHS = /^\/(trpc|media|healthz|livez|readyz|metrics)(\/|$)/;

/**
 * This deployment's shell, fetched past the HTTP cache. A failure leaves no partial cache (and
 * the worker still installs: Web Push must not depend on it); the shell comes with the next one.
 */
async function precacheShell() {
  if (APP_SHELL.files.length === 0) return;
  const cache = await caches.open(SHELL_CACHE);
  try {
    await cache.addAll(APP_SHELL.files.map((path) => new Request(path, { cache: 'reload' })));
  } catch (error) {
    console.warn('Confab: the app shell could not be cached for offline use', error);
    await caches.delete(SHELL_CACHE);
  }
}

/** Drops the shells of earlier deployments (and nothing else this origin keeps). */
async function dropOldShells() {
  const names = await caches.keys();
  await Promise.all(
    names
      .filter((name) => name.startsWith(SHELL_CACHE_PREFIX) && name !== SHELL_CACHE)
      .map((name) => caches.delete(name)),
  );
}

self.addEventListener('install', (event) => {
  event.waitUntil(precacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(dropOldShells().then(() => self.clients.claim()));
});

/** The page from the network; offline, this deployment's index.html (the app routes itself). */
async function networkFirstPage(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match('/index.html', { cacheName: SHELL_CACHE });
    if (cached) return cached;
    throw error;
  }
}

/** A hashed asset: its bytes never change, so the cached copy is the right one. */
async function cacheFirstAsset(request) {
  const cached = await caches.match(request, { cacheName: SHELL_CACHE });
  return cached ?? fetch(request);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || APP_SHELL.files.length === 0) return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || API_PATHS.test(url.pathname)) return;
  if (request.mode === 'navigate') event.respondWith(networkFirstPage(request));
  else if (SHELL_ASSETS.has(url.pathname)) event.respondWith(cacheFirstAsset(request));
});

/** The payload as JSON, or null when it is missing or not JSON. */
function readPayload(data) {
  if (!data) return null;
  try {
    return data.json();
  } catch {
    return null;
  }
}

/** Room ids are short base64url strings; anything else is not put into a URL. */
function validRoomId(value) {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value) ? value : null;
}

/**
 * A user-chosen name in plain text, wrapped in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE
 * so a bidi override or right-to-left letters in it cannot reorder the words around it (the
 * same rule as isolateText in src/lib/bidi.ts; a worker script cannot import it). Printable
 * ASCII cannot, and is left as it is.
 */
function isolate(name) {
  return /^[\x20-\x7e]*$/.test(name) ? name : `\u2068${name}\u2069`;
}

function notificationFor(payload) {
  const roomId = validRoomId(payload?.roomId);
  if (payload?.type !== 'room.messages' || !roomId) {
    // With userVisibleOnly every push must show something.
    return { title: 'Confab', options: { body: 'You have new messages.', tag: 'confab' } };
  }
  const roomName = typeof payload.roomName === 'string' ? isolate(payload.roomName) : 'Confab';
  const count = Number.isInteger(payload.count) ? payload.count : 1;
  const last = payload.lastMessage ?? {};
  const author = typeof last.authorDisplayName === 'string' ? isolate(last.authorDisplayName) : '';
  const preview = typeof last.bodyPreview === 'string' ? last.bodyPreview : '';
  return {
    title: count > 1 ? `${roomName} (${count})` : roomName,
    options: {
      body: author ? `${author}: ${preview}` : preview,
      // Per room: the room's newer notification replaces the older one.
      tag: typeof payload.tag === 'string' ? payload.tag : `room:${roomId}`,
      renotify: true,
      data: { roomId, seq: last.seq },
    },
  };
}

self.addEventListener('push', (event) => {
  const { title, options } = notificationFor(readPayload(event.data));
  event.waitUntil(self.registration.showNotification(title, options));
});

/** Focuses an open Confab window on the room (it moves there itself), or opens one. */
async function openRoom(roomId) {
  const path = roomId ? `#/rooms/${roomId}` : '#/';
  const url = new URL(path, self.registration.scope).href;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (open) {
    open.postMessage({ type: 'confab.open-room', roomId });
    await open.focus();
    return;
  }
  await self.clients.openWindow(url);
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openRoom(validRoomId(event.notification.data?.roomId)));
});
