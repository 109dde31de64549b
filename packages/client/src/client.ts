import {
  type Cursors,
  LIMITS,
  SendInputCheck,
  type SendResult,
  type StreamEvent,
} from '@confab/contracts';
import type { AppRouter } from '@confab/server';
import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import { type BackoffOptions, backoffDelayMs, DEFAULT_BACKOFF, restartDelayMs } from './backoff.js';
import { newClientMsgId } from './client-msg-id.js';
import { Emitter } from './emitter.js';
import { errorCodeOf, SESSION_ENDED_CODES, ValidationError } from './errors.js';
import { createFileApi } from './files.js';
import {
  Outbox,
  type OutboxEntry,
  type ReplyOptions,
  replyOptionsOf,
  type Send,
} from './outbox.js';
import type { OutboxStore } from './outbox-store.js';
import { Sequencer } from './sequencer.js';
import { createTokenSource, type TokenOption } from './token-source.js';
import {
  type EventSourceClass,
  isServerRestart,
  type OpenStream,
  openStream,
  type Transport,
  type TransportContext,
  type WebSocketClass,
} from './transports.js';

export type { EventSourceClass, Transport, WebSocketClass } from './transports.js';

export type TransportPreference = Transport | 'auto';

/** Typing signals go out at most this often per room. */
const TYPING_THROTTLE_MS = 3_000;

/**
 * connecting: the first attempt; connected: the stream is live; reconnecting: waiting out a
 * backoff or trying again; offline: the device says it has no network; closed: close() was
 * called or the session ended (see the `state` event's `error`).
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'closed';

export interface StateChange {
  state: ConnectionState;
  /** The transport in use or being tried. */
  transport: Transport | null;
  /** While reconnecting: when the next attempt starts (epoch ms). */
  retryAt: number | null;
  /** Why the last attempt failed, or why the client closed. */
  error: unknown;
}

/** A delivered event: room log entries once each, in seq order per room, and user signals. */
export type ChatEvent = Exclude<StreamEvent, { type: 'sync' }>;

export interface ChatClientEvents extends Record<string, unknown> {
  state: StateChange;
  event: ChatEvent;
  /** The stream caught up: every room's position, for persisting (see `cursors` option). */
  synced: Cursors;
  outbox: OutboxEntry[];
  /** The user is no longer in this room (left or was removed while this device was away). */
  left: { roomId: string };
}

export interface ChatClientOptions {
  /** The server's base URL, e.g. `http://localhost:3000` (the API lives under /trpc). */
  url: string;
  /**
   * A session token (from `signIn`, `register` or an app's backend), or a function that gets
   * one: called before connecting, and again when the server says the token is no longer
   * valid (expired or unknown), after which the call or stream carries on with the new one.
   * Omit in the browser to use the session cookie (same origin).
   */
  token?: TokenOption;
  /** @default 'auto': WebSocket, else SSE, else long polling */
  transport?: TransportPreference;
  /**
   * Where to resume: the cursors a previous run saved from `synced` events. Absent for a new
   * device, whose rooms start live (history comes from message.history).
   */
  cursors?: Cursors;
  /** For runtimes without a global WebSocket (Node 20): `WebSocket` from the `ws` package. */
  WebSocket?: WebSocketClass;
  /** For runtimes without a global EventSource (Node 20): from the `eventsource` package. */
  EventSource?: EventSourceClass;
  /** Reconnect and resend delays. @default { minDelayMs: 500, maxDelayMs: 15000 } */
  backoff?: Partial<BackoffOptions>;
  /** A transport that has not connected after this many tries gives way to the next. @default 2 */
  fallbackAfterFailures?: number;
  /** An attempt the server has not accepted within this fails. @default 8000 */
  connectTimeoutMs?: number;
  /** How long one long poll waits for events. @default 25000 */
  pollWaitMs?: number;
  /**
   * INTERNAL answers to one queued message before it is marked failed and the outbox moves on
   * to the next (no answer at all, offline, is retried for as long as it takes). @default 5
   */
  serverErrorAttempts?: number;
  /** Start the stream at once. @default true */
  autoConnect?: boolean;
  /**
   * Where unsent messages outlive this client: `indexedDbOutboxStore(name)` in a browser, your
   * own OutboxStore in Node. What a previous run left there is sent at start. @default memory
   */
  outboxStore?: OutboxStore;
}

/**
 * The browser's network signals, read through globalThis: the SDK runs in Node too, where these
 * globals (and their DOM types, in an app that does not load the DOM library) do not exist.
 */
const browser = globalThis as {
  navigator?: { readonly onLine?: boolean };
  window?: {
    addEventListener(type: 'online' | 'offline', listener: () => void): void;
    removeEventListener(type: 'online' | 'offline', listener: () => void): void;
  };
};

/**
 * The Confab SDK: a typed API (`api`), one live stream of the user's events with reconnection,
 * resume and de-duplication, and an outbox that sends each message exactly once.
 */
export function createChatClient(options: ChatClientOptions) {
  const endpoint = `${options.url.replace(/\/+$/, '')}/trpc`;
  const tokens = createTokenSource(options.token);
  const backoff: BackoffOptions = { ...DEFAULT_BACKOFF, ...options.backoff };
  const preference = options.transport ?? 'auto';
  const candidates: Transport[] = preference === 'auto' ? ['ws', 'sse', 'poll'] : [preference];
  const fallbackAfter = options.fallbackAfterFailures ?? 2;
  const emitter = new Emitter<ChatClientEvents>();

  const api: TRPCClient<AppRouter> = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: endpoint,
        headers: async () => {
          const token = await tokens.get();
          return token ? { Authorization: `Bearer ${token}` } : {};
        },
        // Without a token the browser sends the session cookie; with one, no cookie rides
        // along (a cross-origin page's credentialed request would be refused by CORS).
        // A call refused because the token ran out is sent again with a fresh one.
        fetch: (url, init) =>
          tokens.renewingFetch(url, {
            ...init,
            credentials: tokens.enabled ? 'same-origin' : 'include',
          }),
        maxURLLength: 60_000,
        // The server refuses larger batches whole; the link splits them instead.
        maxItems: LIMITS.httpBatchMax,
      }),
    ],
  });

  let status: StateChange = { state: 'closed', transport: null, retryAt: null, error: undefined };
  const setState = (change: Partial<StateChange> & { state: ConnectionState }) => {
    status = { transport: status.transport, retryAt: null, error: undefined, ...change };
    emitter.emit('state', status);
  };

  let current: OpenStream | undefined;
  let attemptId = 0;
  let failures = 0;
  let candidate = 0;
  /** Transports that have carried a stream: their failures are outages, not blocks. */
  const provenTransports = new Set<Transport>();
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  /** The token the current stream was opened with (what a refusal refers to). */
  let streamToken: string | undefined;
  /** Marks the current attempt connected; set while one is starting. */
  let pendingStart: (() => void) | undefined;

  const sequencer = new Sequencer(
    options.cursors,
    (roomId, afterSeq) => api.message.eventsAfter.query({ roomId, afterSeq }),
    {
      deliver: (event) => emitter.emit('event', event),
      synced: (cursors) => {
        // Connected means caught up and live: the stream's first sync point.
        pendingStart?.();
        emitter.emit('synced', cursors);
      },
      left: (roomId) => emitter.emit('left', { roomId }),
      failed: (error) => failAttempt(attemptId, error),
    },
  );

  /**
   * How the outbox sends: over the stream's WebSocket while it is open (no HTTP request per
   * message), else over HTTP. A socket opened with a token that has since run out refuses with a
   * renewable code: the HTTP path renews the token and sends. Any other failure is the outbox's
   * to judge; its retry goes whichever way is open then (the clientMsgId keeps it one message).
   */
  const sendMessage: Send = (input) => {
    const overSocket = current?.sendMessage?.(input);
    if (!overSocket) return api.message.send.mutate(input);
    return overSocket.catch((error: unknown) => {
      const code = errorCodeOf(error);
      if (code && tokens.renewable(code)) return api.message.send.mutate(input);
      throw error;
    });
  };

  const outbox = new Outbox(sendMessage, {
    retryDelayMs: (attempt) => backoffDelayMs(attempt, backoff),
    serverErrorAttempts: Math.max(1, options.serverErrorAttempts ?? 5),
    changed: (entries) => emitter.emit('outbox', entries),
    store: options.outboxStore,
    storeFailed: (error) =>
      queueMicrotask(() => {
        throw error;
      }),
  });
  const restored = outbox.restore();

  const context: TransportContext = {
    endpoint,
    get token() {
      return tokens.current();
    },
    WebSocket: options.WebSocket ?? globalThis.WebSocket,
    EventSource: options.EventSource ?? globalThis.EventSource,
    pollWaitMs: options.pollWaitMs ?? 25_000,
    nextRequest: async () => {
      await sequencer.idle();
      return { cursors: sequencer.snapshot(), resume: sequencer.resuming };
    },
  };

  const typedAt = new Map<string, number>();

  const isOffline = () => browser.navigator?.onLine === false;

  function startAttempt(): void {
    clearTimeout(retryTimer);
    if (closed) return;
    if (isOffline()) {
      setState({ state: 'offline' });
      return;
    }
    const id = ++attemptId;
    const transport = candidates[candidate] ?? 'poll';
    setState({
      state: provenTransports.size > 0 || failures > 0 ? 'reconnecting' : 'connecting',
      transport,
    });
    const timeout = setTimeout(
      () => failAttempt(id, new Error('Connecting timed out')),
      options.connectTimeoutMs ?? 8_000,
    );
    const started = () => {
      pendingStart = undefined;
      if (id !== attemptId) return;
      clearTimeout(timeout);
      failures = 0;
      tokens.worked();
      provenTransports.add(transport);
      setState({ state: 'connected', transport });
      outbox.nudge();
      startHeartbeat(transport);
    };
    pendingStart = started;
    // The token first (a provider's is asked for on the first attempt), then the stream.
    void Promise.all([sequencer.idle(), tokens.get()]).then(
      () => {
        if (id !== attemptId || closed) return;
        streamToken = tokens.current();
        try {
          current = openStream(
            transport,
            context,
            { cursors: sequencer.snapshot(), resume: sequencer.resuming },
            {
              // The server accepted the stream (on a WebSocket, `started` comes with its first
              // event: the first backfill page, or `sync`): the connect timeout is met. It counts
              // as connected at its first sync point, which may come after a long backfill: timing
              // that out would start the same backfill again, and again, on a loaded server.
              onStarted: () => clearTimeout(timeout),
              onEvent: (event) => {
                if (id === attemptId) sequencer.push(event);
              },
              onFailure: (error) => {
                clearTimeout(timeout);
                failAttempt(id, error);
              },
            },
          );
        } catch (error) {
          clearTimeout(timeout);
          failAttempt(id, error);
        }
      },
      (error: unknown) => {
        // The token provider failed (its backend unreachable, say): retried with the backoff.
        clearTimeout(timeout);
        failAttempt(id, error);
      },
    );
  }

  // An SSE stream cannot tell the server this device vanished: heartbeats do (see presence).
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  function startHeartbeat(transport: Transport): void {
    clearInterval(heartbeat);
    if (transport !== 'sse') return;
    heartbeat = setInterval(() => {
      api.presence.heartbeat.mutate().catch(() => {
        // A failed heartbeat is a symptom the stream will report itself.
      });
    }, LIMITS.heartbeatIntervalMs);
  }

  function failAttempt(id: number, error: unknown): void {
    if (id !== attemptId || closed) return;
    clearInterval(heartbeat);
    attemptId++;
    current?.close();
    current = undefined;
    sequencer.reset();
    const code = errorCodeOf(error);
    if (code && tokens.renewable(code)) {
      // The token ran out: a new one from the provider, and straight back (not a failure).
      setState({ state: 'reconnecting', retryAt: Date.now(), error });
      const renewal = ++attemptId;
      tokens.renew(streamToken).then(
        () => {
          if (renewal === attemptId && !closed) startAttempt();
        },
        (failed: unknown) => {
          // The provider failed: tried again after the backoff (the next attempt asks it).
          if (renewal !== attemptId || closed) return;
          failures++;
          retryIn(backoffDelayMs(failures - 1, backoff), failed);
        },
      );
      return;
    }
    if (code && SESSION_ENDED_CODES.has(code)) {
      shutdown(error);
      return;
    }
    if (isServerRestart(error)) {
      // The server drains and sent this device away: back at once (behind a proxy, to another
      // node), after a short jitter. Not a failure: neither the backoff nor the fallback counts it.
      retryIn(restartDelayMs(backoff), error);
      return;
    }
    failures++;
    // A transport that never connected (blocked by a proxy, say) gives way to the next one.
    const tried = candidates[candidate] ?? 'poll';
    if (
      !provenTransports.has(tried) &&
      failures >= fallbackAfter &&
      candidate < candidates.length - 1
    ) {
      candidate++;
      failures = 1;
    }
    retryIn(backoffDelayMs(failures - 1, backoff), error);
  }

  /** Reconnecting: the next attempt starts after `delayMs`. */
  function retryIn(delayMs: number, error: unknown): void {
    setState({ state: 'reconnecting', retryAt: Date.now() + delayMs, error });
    retryTimer = setTimeout(startAttempt, delayMs);
  }

  function shutdown(error?: unknown): void {
    if (closed) return;
    tokens.stop();
    closed = true;
    clearInterval(heartbeat);
    attemptId++;
    clearTimeout(retryTimer);
    current?.close();
    current = undefined;
    outbox.close();
    detachNetworkListeners();
    setState({ state: 'closed', error });
  }

  // Browsers tell us when the network goes and comes back: stop trying while it is gone.
  const onOffline = () => {
    if (closed) return;
    attemptId++;
    clearTimeout(retryTimer);
    current?.close();
    current = undefined;
    setState({ state: 'offline' });
  };
  const onOnline = () => {
    if (!closed) startAttempt();
  };
  const target = browser.window;
  function attachNetworkListeners() {
    target?.addEventListener('offline', onOffline);
    target?.addEventListener('online', onOnline);
  }
  attachNetworkListeners();
  function detachNetworkListeners() {
    target?.removeEventListener('offline', onOffline);
    target?.removeEventListener('online', onOnline);
  }

  const client = {
    /** Every procedure of the API, typed from the server's router. */
    api,
    /** Uploads for `send`'s `attachments`, and downloads (docs/files.md). */
    files: createFileApi(options.url.replace(/\/+$/, ''), tokens),
    get state(): ConnectionState {
      return status.state;
    },
    /** The whole connection status: state, transport, when the next attempt starts, last error. */
    get status(): StateChange {
      return status;
    },
    /** The transport in use (or being tried); null before the first attempt. */
    get transport(): Transport | null {
      return status.transport;
    },
    on: emitter.on.bind(emitter) as Emitter<ChatClientEvents>['on'],
    /** Starts the stream (done at creation unless `autoConnect: false`). */
    connect(): void {
      if (closed || current || status.state === 'reconnecting') return;
      startAttempt();
    },
    /**
     * Opens a closed client again (after `close()` or an ended session): the stream resumes
     * from its cursors, the outbox sends what is pending, and a token provider is asked anew.
     */
    open(): void {
      if (!closed) {
        client.connect();
        return;
      }
      closed = false;
      failures = 0;
      candidate = 0;
      tokens.start();
      outbox.reopen();
      attachNetworkListeners();
      startAttempt();
    },
    /** Resolves once messages a previous run left in `outboxStore` are queued again. */
    restored: (): Promise<void> => restored,
    /**
     * Queues a message and sends it, retrying with the same clientMsgId until the server
     * acknowledges it. Resolves with its id and seq once committed; rejects if refused (the
     * outbox keeps it as failed, for `retry` or `discard`, and sends the next one).
     *
     * `replyToId` quotes a message of the room; `threadId` posts in that message's thread
     * (`alsoInRoom` shows it in the room's timeline too). `attachments` are the ids of files
     * uploaded to the room for it (FILE_ROUTES.upload), in order; the body may then be empty.
     * They are kept with the queued message. Without a `clientMsgId` the SDK makes one
     * ({@link newClientMsgId}: time-ordered, which the server's idempotency index writes most
     * cheaply).
     *
     * An input the contracts refuse (an empty body, a NUL, alsoInRoom without threadId...) is
     * never queued: the promise rejects at once with a {@link ValidationError}, code
     * VALIDATION, as the server would.
     */
    send(
      input: { roomId: string; body: string; clientMsgId?: string } & ReplyOptions,
    ): Promise<SendResult> {
      const clientMsgId = input.clientMsgId ?? newClientMsgId();
      const fields = {
        roomId: input.roomId,
        clientMsgId,
        body: input.body,
        ...replyOptionsOf(input),
      };
      const checked = SendInputCheck.safeParse(fields);
      if (!checked.success) {
        const issues = checked.error.issues.map((issue) => ({
          path: issue.path.join('.'),
          message: issue.message,
        }));
        return Promise.reject(new ValidationError(issues));
      }
      // The body as given: the server trims it the same way (and a retry must send the same).
      return outbox.enqueue(fields);
    },
    /** Reports whether the person is here (false for a hidden tab or an idle screen): away vs online. */
    setActive(active: boolean): Promise<void> {
      return api.presence.setActive.mutate({ active }).then(() => undefined);
    },
    /**
     * Call on every keystroke in a room's composer: tells the room at most every 3 s (the
     * indicator lasts 5 s on the other side, so it stays lit while typing continues).
     */
    typing(roomId: string): void {
      const t = Date.now();
      if (t - (typedAt.get(roomId) ?? 0) < TYPING_THROTTLE_MS) return;
      typedAt.set(roomId, t);
      api.presence.typing.mutate({ roomId }).catch(() => typedAt.delete(roomId));
    },
    /** Messages not yet acknowledged (pending) or refused (failed). */
    outbox: (): OutboxEntry[] => outbox.list(),
    retry: (clientMsgId: string) => outbox.retry(clientMsgId),
    discard: (clientMsgId: string) => outbox.discard(clientMsgId),
    /** The last seq applied per room. */
    cursors: (): Cursors => sequencer.snapshot(),
    /** Ends the stream and the outbox; pending sends stay unsent (and stored); see `open`. */
    close: () => shutdown(),
  };
  if (options.autoConnect ?? true) client.connect();
  return client;
}
export type ChatClient = ReturnType<typeof createChatClient>;
