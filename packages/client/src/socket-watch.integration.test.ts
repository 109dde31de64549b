import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FaultyProxy } from './__tests__/proxy.js';
import { record } from './__tests__/recorder.js';
import {
  device,
  register,
  setUpWithProxy,
  type TestDatabaseFile,
  type TestServer,
  tearDown,
} from './__tests__/server.js';
import type { ChatClient } from './client.js';
import { IDLE_SILENT_MS, SOCKET_CHECKS } from './socket-watch.js';

/** `ws`'s WebSocket, keeping the text of every frame the SDK sends on it. */
function recordingWebSocket() {
  const sent: string[] = [];
  const waiting = new Set<() => void>();
  class Recording extends WebSocket {
    override send(data: unknown, ...rest: unknown[]): void {
      sent.push(String(data));
      for (const check of [...waiting]) check();
      (super.send as (data: unknown, ...rest: unknown[]) => void)(data, ...rest);
    }
  }
  /** Resolves once the SDK has sent `text` (rejects after `timeoutMs`). */
  const sends = (text: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(check);
        reject(new Error(`No ${text} sent within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (!sent.includes(text)) return;
        clearTimeout(timer);
        waiting.delete(check);
        resolve();
      };
      waiting.add(check);
      check();
    });
  return { WebSocket: Recording, sent, sends };
}

/** The tab's window as far as the SDK looks at it: `online`, and the document's visibility. */
function fakeWindow() {
  const page = new EventTarget();
  const document = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
  const scope = globalThis as {
    addEventListener?: EventTarget['addEventListener'];
    removeEventListener?: EventTarget['removeEventListener'];
    document?: typeof document;
  };
  scope.addEventListener = page.addEventListener.bind(page);
  scope.removeEventListener = page.removeEventListener.bind(page);
  scope.document = document;
  return {
    online: () => page.dispatchEvent(new Event('online')),
    shown: () => {
      document.visibilityState = 'visible';
      document.dispatchEvent(new Event('visibilitychange'));
    },
    remove() {
      delete scope.addEventListener;
      delete scope.removeEventListener;
      delete scope.document;
    },
  };
}

describe('how the SDK checks its WebSocket', () => {
  let db: TestDatabaseFile;
  let server: TestServer;
  let proxy: FaultyProxy;
  const clients: ChatClient[] = [];
  let page: ReturnType<typeof fakeWindow> | undefined;

  beforeEach(async () => {
    // The server's own ping (every 10 s of quiet by default) would end a dead socket too, and
    // its close would reach the client through the proxy: pushed out of the way, what is
    // measured here is the SDK's own checking.
    ({ db, server, proxy } = await setUpWithProxy({ wsPingMs: 60_000 }));
  });
  afterEach(async () => {
    page?.remove();
    page = undefined;
    await tearDown({ clients, proxy, server, db });
  });

  const connectedDevice = async (via: string, WebSocketClass?: typeof WebSocket) => {
    const alice = await register(server.url, 'alice');
    const client = device(via, alice.token, {
      transport: 'ws',
      ...(WebSocketClass ? { WebSocket: WebSocketClass } : {}),
    });
    clients.push(client);
    const seen = record(client);
    await seen.connected();
    return { client, seen };
  };

  it('idle, sends no ping of its own for well past the 2 s it used to wait', async () => {
    const socket = recordingWebSocket();
    await connectedDevice(server.url, socket.WebSocket);
    const before = socket.sent.length;
    // The behaviour under test is that nothing happens for a while: wait that while out.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(socket.sent.slice(before)).toEqual([]);
  });

  it('idle, gives up a socket whose network vanished once it has heard nothing for ~20 s', async () => {
    const { client, seen } = await connectedDevice(proxy.url);
    proxy.frozen = true;
    const frozenAt = Date.now();
    await seen.until(
      () => client.state === 'reconnecting',
      'the dead socket to be noticed',
      40_000,
    );
    const noticedAfter = Date.now() - frozenAt;
    // tRPC's ping (after 15 s of quiet) went into the void; the watch gave the socket up at its
    // idle deadline, counted from the last frame heard (just before the freeze).
    expect(noticedAfter).toBeLessThanOrEqual(IDLE_SILENT_MS + 1_000);
    expect(noticedAfter).toBeGreaterThan(IDLE_SILENT_MS - 2_000);
    proxy.frozen = false;
    await seen.until(() => client.state === 'connected', 'the device to reconnect');
  }, 60_000);

  it.each([
    ['the network is back', 'online'],
    ['the page is shown again', 'shown'],
  ] as const)(
    'when the browser says %s, finds out within seconds that the socket is dead',
    async (_, wake) => {
      page = fakeWindow();
      const { client, seen } = await connectedDevice(proxy.url);
      proxy.frozen = true;
      const frozenAt = Date.now();
      page[wake]();
      await seen.until(() => client.state === 'reconnecting', 'the dead socket to be noticed');
      expect(Date.now() - frozenAt).toBeLessThan(SOCKET_CHECKS.urgentSilentMs + 1_500);
      proxy.frozen = false;
      await seen.until(() => client.state === 'connected', 'the device to reconnect');
    },
  );

  it('when the browser says the network is back and the socket is fine, keeps it', async () => {
    page = fakeWindow();
    const socket = recordingWebSocket();
    const { client, seen } = await connectedDevice(server.url, socket.WebSocket);
    expect(socket.sent).not.toContain('PING');
    page.online();
    // The check's ping goes after 2 s of quiet; the server's PONG answers it.
    await socket.sends('PING', SOCKET_CHECKS.urgentPingMs + 2_000);
    await new Promise((resolve) => setTimeout(resolve, SOCKET_CHECKS.urgentSilentMs));
    expect(client.state).toBe('connected');
    expect(seen.states).not.toContain('reconnecting');
  });
});
