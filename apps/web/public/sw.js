// Confab's service worker: shows a notification for each Web Push (one per room, a newer one
// replacing the older through its tag) and opens the room when the notification is clicked.
// The push payload is PushNotificationPayload in packages/contracts/src/notifications.ts.

self.addEventListener('install', () => {
  void self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
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
