import { type Cursors, expandEvent, type StreamEvent } from '@confab/contracts';
import type { AppRouter } from '@confab/server';
import {
  createTRPCClient,
  createWSClient,
  httpLink,
  httpSubscriptionLink,
  type TRPCClient,
  wsLink,
} from '@trpc/client';
import type { Send } from './outbox.js';
import { KEEP_ALIVE, onBrowserWake, silenceWatched } from './socket-watch.js';

export type Transport = 'ws' | 'sse' | 'poll';

export interface StreamHandlers {
  /** The server accepted the stream (ws/sse) or answered the first poll. */
  onStarted(): void;
  onEvent(event: StreamEvent): void;
  /** The stream broke; the caller reconnects (resuming from its cursors) or gives up. */
  onFailure(error: unknown): void;
}

export interface StreamRequest {
  cursors: Cursors;
  resume: boolean;
}

/**
 * A WebSocket class: the browser's, or `WebSocket` from the `ws` package in Node. Their types
 * differ in details the SDK never uses (`ws` has no `dispatchEvent`), so only the constructor is
 * asked for; tRPC's wsLink gets it as the browser's type.
 */
export type WebSocketClass = new (url: string, protocols?: string | string[]) => object;
/** An EventSource class: the browser's, or the `eventsource` package's in Node (as above). */
export type EventSourceClass = new (url: string, init?: { withCredentials?: boolean }) => object;

export interface TransportContext {
  /** `http(s)://host:port/trpc` */
  endpoint: string;
  token: string | undefined;
  WebSocket: WebSocketClass | undefined;
  EventSource: EventSourceClass | undefined;
  pollWaitMs: number;
  /** The cursors to poll from next, once the previous batch is applied. */
  nextRequest(): Promise<StreamRequest>;
}

export interface OpenStream {
  close(): void;
  /**
   * Sends a message over the stream's own connection: a WebSocket, once the server accepted the
   * stream. Undefined when it cannot (another transport, not started yet, closed): then HTTP.
   */
  sendMessage?(input: Parameters<Send>[0]): ReturnType<Send> | undefined;
}

/** A failure of the transport itself, not a refusal by the server. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly closeCode?: number,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** The WebSocket close code of a draining server (RFC 6455 "Service Restart"). */
export const SERVICE_RESTART_CLOSE_CODE = 1012;

/**
 * Whether a stream ended because its server drains (a restart, a deploy): a WebSocket closed
 * with 1012, or an SSE stream or poll answered SERVICE_UNAVAILABLE. The device should reconnect
 * at once (behind a proxy it reaches another node); it is not a failure of the transport.
 */
export function isServerRestart(error: unknown): boolean {
  if (error instanceof TransportError) return error.closeCode === SERVICE_RESTART_CLOSE_CODE;
  if (typeof error !== 'object' || error === null || !('data' in error)) return false;
  const data = (error as { data?: { code?: unknown } | null }).data;
  return data?.code === 'SERVICE_UNAVAILABLE';
}

type Subscribable = TRPCClient<AppRouter>['events']['live'];

/**
 * Subscribes to `events.live` in stream format 3 (untracked; `message.created` flat, its
 * clientMsgId only on its author's devices; the presence snapshot as two lists of ids): the
 * client resumes from its own cursors, so it needs no tracked ids, and each event is expanded
 * back to the StreamEvent the app sees. A server without format 3 ignores `format` and sends
 * format 2, and one without `snapshot: 'ids'` sends the snapshot whole: both expand as well.
 */
function subscribe(live: Subscribable, request: StreamRequest, handlers: StreamHandlers) {
  let started = false;
  return live.subscribe(
    { ...request, format: 3, snapshot: 'ids' },
    {
      onStarted: () => {
        started = true;
        handlers.onStarted();
      },
      onData: (event) => handlers.onEvent(expandEvent(event)),
      onError: (error) => handlers.onFailure(error),
      onComplete: () => handlers.onFailure(new TransportError('The stream ended')),
      // The link would reconnect on its own, resuming from the cursors it started with; the
      // client reconnects instead, from the cursors it has now.
      onConnectionStateChange: (state) => {
        if (state.state === 'connecting' && (started || state.error)) {
          handlers.onFailure(state.error ?? new TransportError('Connection lost'));
        }
      },
    },
  );
}

function openWebSocket(
  context: TransportContext,
  request: StreamRequest,
  handlers: StreamHandlers,
): OpenStream {
  if (!context.WebSocket)
    throw new TransportError('No WebSocket implementation (pass `WebSocket` in Node)');
  const watch = silenceWatched(context.WebSocket, () =>
    handlers.onFailure(new TransportError('No answer to ping')),
  );
  const stopWaking = onBrowserWake(watch.probe);
  const client = createWSClient({
    url: context.endpoint.replace(/^http/, 'ws'),
    WebSocket: watch.Watched as typeof globalThis.WebSocket,
    connectionParams: context.token ? { token: context.token } : null,
    // Rarely while idle, at once when someone waits (socket-watch.ts).
    keepAlive: KEEP_ALIVE,
    // The client's own loop reconnects; keep the link from racing it.
    retryDelayMs: () => 3_600_000,
    onClose: (cause) => handlers.onFailure(new TransportError('WebSocket closed', cause?.code)),
  });
  const api = createTRPCClient<AppRouter>({ links: [wsLink({ client })] });
  // Sends go over the socket once the server accepted the stream: a frame on a connection that
  // is open and authenticated, not an HTTP request of its own.
  let usable = false;
  const subscription = subscribe(api.events.live, request, {
    ...handlers,
    onStarted: () => {
      usable = true;
      handlers.onStarted();
    },
  });
  // A send whose answer has not come when the stream closes is given up here: tRPC would settle
  // it only when the socket has closed, which on a dead network takes as long as noticing it
  // did without the watch. The outbox sends it again (the clientMsgId keeps it one message).
  const unanswered = new Set<(error: Error) => void>();
  const sendMessage = (input: Parameters<Send>[0]) =>
    new Promise<Awaited<ReturnType<Send>>>((resolve, reject) => {
      unanswered.add(reject);
      api.message.send
        .mutate(input)
        .then(resolve, reject)
        .finally(() => unanswered.delete(reject));
      // The answer is awaited: if the socket went dead, find out within seconds.
      watch.probe();
    });
  return {
    close() {
      usable = false;
      watch.stop();
      stopWaking();
      for (const reject of unanswered)
        reject(new TransportError('WebSocket closed before the answer'));
      unanswered.clear();
      subscription.unsubscribe();
      void client.close();
    },
    sendMessage: (input) => (usable ? sendMessage(input) : undefined),
  };
}

function openEventSource(
  context: TransportContext,
  request: StreamRequest,
  handlers: StreamHandlers,
): OpenStream {
  if (!context.EventSource)
    throw new TransportError('No EventSource implementation (pass `EventSource` in Node)');
  const api = createTRPCClient<AppRouter>({
    links: [
      httpSubscriptionLink<AppRouter, typeof globalThis.EventSource>({
        url: context.endpoint,
        EventSource: context.EventSource as typeof globalThis.EventSource,
        connectionParams: context.token ? { token: context.token } : null,
      }),
    ],
  });
  const subscription = subscribe(api.events.live, request, handlers);
  return { close: () => subscription.unsubscribe() };
}

function openPolling(
  context: TransportContext,
  request: StreamRequest,
  handlers: StreamHandlers,
): OpenStream {
  const stop = new AbortController();
  const headers = () => (context.token ? { Authorization: `Bearer ${context.token}` } : {});
  const api = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: context.endpoint,
        headers,
        fetch: (url, init) => fetch(url, { ...init, credentials: 'include' }),
      }),
    ],
  });
  void (async () => {
    let next = request;
    let pollId: string | undefined;
    for (let first = true; !stop.signal.aborted; first = false) {
      // A poll that outlives its wait by 10 s has a dead server or network on the other end.
      // (A timer and a controller, not AbortSignal.timeout: one held only through
      // AbortSignal.any can be collected before it fires on Node 20, nodejs/node#57736.)
      const expired = new AbortController();
      const timer = setTimeout(
        () => expired.abort(new Error('The long poll got no answer')),
        context.pollWaitMs + 10_000,
      );
      const signal = AbortSignal.any([stop.signal, expired.signal]);
      // The first poll of a connection answers at once (backlog and sync point): connected now,
      // not after a long wait.
      const waitMs = first ? 0 : context.pollWaitMs;
      const result = await api.events.poll
        .query({ ...next, waitMs, pollId }, { signal })
        .finally(() => clearTimeout(timer));
      pollId = result.pollId;
      if (stop.signal.aborted) return;
      if (first) handlers.onStarted();
      for (const event of result.events) handlers.onEvent(event);
      next = await context.nextRequest();
    }
  })().catch((error: unknown) => {
    if (!stop.signal.aborted) handlers.onFailure(error);
  });
  return { close: () => stop.abort() };
}

/** Opens a device stream over one transport. Throws a TransportError when it cannot start. */
export function openStream(
  transport: Transport,
  context: TransportContext,
  request: StreamRequest,
  handlers: StreamHandlers,
): OpenStream {
  if (transport === 'ws') return openWebSocket(context, request, handlers);
  if (transport === 'sse') return openEventSource(context, request, handlers);
  return openPolling(context, request, handlers);
}
