import type WebSocket from 'ws';
import { isRecord } from '../payload.js';
import { guard, openSocket, textOf, waitFor } from './ws-util.js';

/** The id every load client gives its one subscription. */
const SUBSCRIPTION_ID = 1;

export interface TrpcSubscriptionOptions {
  /** ws://host:port/path of the tRPC WebSocket endpoint. */
  url: string;
  /** Sent as the first message (the URL then carries `?connectionParams=1`). */
  connectionParams?: Record<string, string>;
  path: string;
  input: unknown;
  what: string;
  fail: (reason: string) => void;
  closing: () => boolean;
  /** Live once tRPC says `started` (true), or once onData returns true (false). */
  liveOnStarted: boolean;
  /** tRPC said `started`: the server accepted the subscription. */
  onStarted?: (() => void) | undefined;
  /** Longest wait for the connection, then for the subscription to be live. @default 15000 */
  timeoutMs?: number | undefined;
  /** Source address of the connection (the kernel's choice when absent). */
  localAddress?: string | undefined;
  /** Each item the subscription yields (unwrapped from a tracked() envelope). */
  onData: (item: unknown) => boolean | undefined;
}

/** The message of a tRPC error frame's `error`, or the value as JSON. */
export function errorMessage(value: unknown): string {
  return isRecord(value) && typeof value.message === 'string'
    ? value.message
    : JSON.stringify(value);
}

/**
 * One subscription over tRPC's WebSocket protocol, spoken directly: optional connectionParams,
 * `{id, method:'subscription', params:{path, input}}`, then `{id, result:{type, id?, data}}`
 * frames; the server's `PING` text frames are answered with `PONG`.
 */
export async function trpcSubscription(options: TrpcSubscriptionOptions): Promise<WebSocket> {
  const { what, fail } = options;
  const url = options.connectionParams ? `${options.url}?connectionParams=1` : options.url;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const ws = await openSocket(url, timeoutMs, options.localAddress);
  let abandoned = false;
  guard(ws, what, fail, () => abandoned || options.closing());
  const subscribed = waitFor(`${what} to subscribe`, timeoutMs, (live, failed) => {
    const onFrame = (text: string): void => {
      if (text === 'PING') {
        ws.send('PONG');
        return;
      }
      if (text === 'PONG') return;
      const frame: unknown = JSON.parse(text);
      const result = isRecord(frame) ? frame.result : undefined;
      if (!isRecord(frame)) {
        fail(`${what}: unexpected frame`);
      } else if (frame.error !== undefined) {
        const reason = `${what}: ${errorMessage(frame.error)}`;
        fail(reason);
        failed(new Error(reason));
      } else if (frame.method === 'reconnect') {
        if (!options.closing()) fail(`${what}: server asked to reconnect`);
      } else if (frame.id !== SUBSCRIPTION_ID || !isRecord(result)) {
        fail(`${what}: unexpected frame`);
      } else if (result.type === 'started') {
        options.onStarted?.();
        if (options.liveOnStarted) live();
      } else if (result.type === 'data' || result.type === undefined) {
        // A result without a type is data, as tRPC's client reads it (Confab's format 2).
        // tracked(id, data) arrives as { id, data: { id, data } }.
        const tracked = typeof result.id === 'string' && isRecord(result.data);
        if (options.onData(tracked && isRecord(result.data) ? result.data.data : result.data))
          live();
      } else if (result.type === 'stopped') {
        if (!options.closing()) fail(`${what}: subscription stopped`);
      }
    };
    ws.on('message', (data) => onFrame(textOf(data)));
    if (options.connectionParams) {
      ws.send(JSON.stringify({ method: 'connectionParams', data: options.connectionParams }));
    }
    ws.send(
      JSON.stringify({
        id: SUBSCRIPTION_ID,
        method: 'subscription',
        params: { path: options.path, input: options.input },
      }),
    );
  });
  try {
    await subscribed;
  } catch (error) {
    // Nobody holds the socket: drop it rather than leave it open.
    abandoned = true;
    ws.terminate();
    throw error;
  }
  return ws;
}

/** Fire-and-forget mutations over an open tRPC WebSocket; errors go to `fail`. */
export function trpcMutator(ws: WebSocket, what: string, fail: (reason: string) => void) {
  let nextId = 1;
  ws.on('message', (data) => {
    const frame: unknown = JSON.parse(textOf(data));
    if (isRecord(frame) && frame.error !== undefined) fail(`${what}: ${errorMessage(frame.error)}`);
  });
  return (path: string, input: unknown) => {
    ws.send(JSON.stringify({ id: nextId++, method: 'mutation', params: { path, input } }));
  };
}
