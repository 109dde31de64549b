import type { WebSocketClass } from './transports.js';

/**
 * How the SDK tells a dead WebSocket from a quiet one. A network can vanish under an open socket
 * without a word (a frozen proxy, a phone changing networks); only a ping finds out. Each ping
 * costs the server a read and a write, so an idle device pings rarely, and a device with someone
 * waiting pings at once:
 *
 * - **Idle.** The server pings every socket it has heard nothing from for 10 s, and tRPC's client
 *   answers; tRPC's own ping (`keepAlive`) goes only after `idlePingMs` without a frame, which
 *   the server's pings keep from happening. A socket that hears nothing for
 *   `idlePingMs + idlePongMs + 500` ms is given up.
 * - **Someone waits**: a message sent on the socket, the page shown again, the network back.
 *   Unless a frame arrives first, a ping goes after `urgentPingMs`, and the socket is given up when
 *   it has heard nothing for `urgentSilentMs` since.
 *
 * A device pinged after every 2 s of quiet before: 500 pings a second for 1,000 idle devices,
 * which then took the server 33–39 ms of CPU a second on loopback. Answering the server's ping
 * every 10 s instead, they take it 12–14 ms (docs/delivery.md).
 */
export const SOCKET_CHECKS = {
  idlePingMs: 15_000,
  idlePongMs: 5_000,
  urgentPingMs: 2_000,
  urgentSilentMs: 4_500,
} as const;

/** tRPC's keep-alive for the SDK's sockets (the idle case above). */
export const KEEP_ALIVE = {
  enabled: true,
  intervalMs: SOCKET_CHECKS.idlePingMs,
  pongTimeoutMs: SOCKET_CHECKS.idlePongMs,
} as const;

/** How long an idle socket may hear nothing: tRPC's ping, its pong's wait, and a margin. */
export const IDLE_SILENT_MS = SOCKET_CHECKS.idlePingMs + SOCKET_CHECKS.idlePongMs + 500;
/** The WebSocket readyState of an open socket (the same constant in browsers and `ws`). */
const OPEN = 1;

interface WatchedSocket {
  readyState: number;
  send(data: string): void;
  addEventListener(type: 'open' | 'message' | 'close', listener: () => void): void;
}

/**
 * The WebSocket class, with each socket watched for silence: `silent` is called once a socket
 * that opened has heard nothing (no event, no PONG) for too long (above). tRPC's keep-alive
 * closes a socket whose pong did not come, but a close waits for the peer's closing handshake,
 * which a dead network never sends (`ws` in Node waits up to 30 s): the link says nothing until
 * then. Told at the deadline instead, the client reconnects at once, and a message sent into the
 * dead socket goes again.
 */
export function silenceWatched(Base: WebSocketClass, silent: () => void) {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
    return timer;
  };
  const cancel = (timer: ReturnType<typeof setTimeout> | undefined) => {
    clearTimeout(timer);
    if (timer) timers.delete(timer);
  };
  /** The socket made last (tRPC makes a new one per connection) and its urgent check. */
  let probeLatest: (() => void) | undefined;

  const Watched = function Watched(url: string, protocols?: string | string[]) {
    const socket = new Base(url, protocols) as WatchedSocket;
    let idle: ReturnType<typeof setTimeout> | undefined;
    let urgentPing: ReturnType<typeof setTimeout> | undefined;
    let urgentSilence: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      cancel(idle);
      cancel(urgentPing);
      cancel(urgentSilence);
      idle = urgentPing = urgentSilence = undefined;
    };
    const heard = () => {
      stop();
      idle = later(IDLE_SILENT_MS, silent);
    };
    const probe = () => {
      // A check already running keeps its earlier deadline.
      if (socket.readyState !== OPEN || urgentSilence) return;
      urgentPing = later(SOCKET_CHECKS.urgentPingMs, () => {
        if (socket.readyState === OPEN) socket.send('PING');
      });
      urgentSilence = later(SOCKET_CHECKS.urgentSilentMs, silent);
    };
    socket.addEventListener('open', heard);
    socket.addEventListener('message', heard);
    socket.addEventListener('close', () => {
      stop();
      if (probeLatest === probe) probeLatest = undefined;
    });
    probeLatest = probe;
    return socket;
  } as unknown as WebSocketClass;
  // Its statics are the real class's: tRPC reads `WebSocket.OPEN` and the like from it.
  Object.setPrototypeOf(Watched, Base);
  return {
    Watched,
    /** Someone waits on the open socket: check it now (above). */
    probe: () => probeLatest?.(),
    /** Stops watching every socket (the client is closing them itself). */
    stop: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      probeLatest = undefined;
    },
  };
}

/**
 * Calls `wake` when the browser says a check is worth it: the network is back (`online`) or the
 * page is shown again (a phone's tab is often frozen while hidden). Nothing outside a browser.
 * Returns the function that stops listening.
 */
export function onBrowserWake(wake: () => void): () => void {
  const page = globalThis as {
    addEventListener?: (type: 'online', listener: () => void) => void;
    removeEventListener?: (type: 'online', listener: () => void) => void;
    // Structural, not DOM's `Document`: apps that compile this source without the DOM types
    // (the server's tests do) must not need them.
    document?: {
      visibilityState: string;
      addEventListener(type: 'visibilitychange', listener: () => void): void;
      removeEventListener(type: 'visibilitychange', listener: () => void): void;
    };
  };
  const shown = () => {
    if (page.document?.visibilityState === 'visible') wake();
  };
  page.addEventListener?.('online', wake);
  page.document?.addEventListener('visibilitychange', shown);
  return () => {
    page.removeEventListener?.('online', wake);
    page.document?.removeEventListener('visibilitychange', shown);
  };
}
