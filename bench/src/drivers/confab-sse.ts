import { indexOfBody } from '../payload.js';
import { readMessageCreated, readSync } from './confab-device.js';
import { confabMutation } from './confab-http.js';
import { retryOnReset } from './retry.js';
import { type EventStream, openEventStream, type ServerSentEvent } from './sse.js';
import type { Connections, Sink } from './types.js';
import { openMany, waitFor } from './ws-util.js';

/**
 * How often an SSE device tells the server it is still there (the SDK's
 * LIMITS.heartbeatIntervalMs): the server cuts off an SSE stream whose session sent none for
 * 45 s, since it cannot tell a vanished SSE peer from a quiet one.
 */
const HEARTBEAT_INTERVAL_MS = 15_000;

/**
 * `events.live` as the SDK's httpSubscriptionLink requests it: GET with the session token in
 * `connectionParams` (an EventSource cannot send headers) and the input as JSON, both in the URL.
 */
function liveUrl(port: number, token: string): string {
  const params = encodeURIComponent(JSON.stringify({ token }));
  const input = encodeURIComponent(
    JSON.stringify({ cursors: {}, resume: false, format: 3, snapshot: 'ids' }),
  );
  return `http://127.0.0.1:${port}/trpc/events.live?connectionParams=${params}&input=${input}`;
}

/**
 * One new Confab device over SSE. tRPC's stream says `connected`, then sends each event as
 * `data: <json>` (stream format 2: untracked, so no `id:`), `ping`s while idle, and `serialized-error` or
 * `return` when the subscription ends. Resolves once the `sync` event arrived (live).
 */
async function openSseDevice(
  port: number,
  token: string,
  subscriber: number,
  sink: Sink,
  closing: () => boolean,
  opened: EventStream[],
): Promise<void> {
  const what = `SSE device ${subscriber}`;
  let live: (() => void) | undefined;
  let refused: ((error: Error) => void) | undefined;
  const onEvent = (event: ServerSentEvent): void => {
    if (event.event === 'message') {
      const data: unknown = JSON.parse(event.data);
      const message = readMessageCreated(data);
      if (message) sink.deliver(subscriber, message.seq, indexOfBody(message.body));
      else if (readSync(data)) live?.();
    } else if (event.event === 'serialized-error') {
      const reason = `${what}: ${event.data.slice(0, 200)}`;
      sink.fail(reason);
      refused?.(new Error(reason));
    } else if (event.event === 'return') {
      if (!closing()) sink.fail(`${what}: subscription ended`);
    }
    // 'connected', 'ping' and 'restore-id' need nothing.
  };
  const synced = waitFor(`${what} to sync`, 15_000, (ready, failed) => {
    live = ready;
    refused = failed;
  });
  // A refused or dropped stream rejects `synced` through sink.fail; openEventStream rejects
  // when the request itself fails. Either way the first rejection wins.
  const stream = await openEventStream({
    url: liveUrl(port, token),
    what,
    fail: sink.fail,
    closing,
    onEvent,
  }).catch((error: unknown) => {
    // Settles `synced` now (and stops its timer): nobody awaits it any more.
    synced.catch(() => {});
    refused?.(error instanceof Error ? error : new Error(String(error)));
    throw error;
  });
  opened.push(stream);
  await synced;
}

/** presence.heartbeat for every session in `tokens`, every HEARTBEAT_INTERVAL_MS. */
function startHeartbeats(
  baseUrl: string,
  tokens: readonly string[],
  sink: Sink,
  closing: () => boolean,
): () => void {
  const timer = setInterval(() => {
    for (const token of tokens) {
      // A heartbeat is safe to repeat: resent when the connection was reset under it.
      retryOnReset(() => confabMutation(baseUrl, 'presence.heartbeat', undefined, token)).catch(
        (error: unknown) => {
          if (!closing()) sink.fail(`heartbeat: ${error instanceof Error ? error.message : error}`);
        },
      );
    }
  }, HEARTBEAT_INTERVAL_MS);
  return () => clearInterval(timer);
}

/**
 * Connects `count` new Confab devices over SSE (subscribers `0..count-1`), round-robin over
 * `tokens` like the WebSocket devices; resolves once every one is live. Heartbeats go out per
 * session, as the SDK's do, for as long as the devices are open.
 */
export async function connectConfabSseDevices(
  port: number,
  count: number,
  tokens: readonly string[],
  sink: Sink,
): Promise<Connections> {
  if (tokens.length === 0) throw new Error('No users');
  let closing = false;
  const opened: EventStream[] = [];
  const stopHeartbeats = startHeartbeats(
    `http://127.0.0.1:${port}`,
    tokens.slice(0, count),
    sink,
    () => closing,
  );
  const close = async (): Promise<void> => {
    closing = true;
    stopHeartbeats();
    await Promise.all(opened.map((stream) => stream.close()));
  };
  try {
    await openMany(count, (i) =>
      openSseDevice(port, tokens[i % tokens.length] ?? '', i, sink, () => closing, opened),
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { close };
}
