import type WebSocket from 'ws';
import { indexOfBody, isRecord } from '../payload.js';
import { trpcSubscription } from './trpc-ws.js';
import type { Connections, Sink } from './types.js';
import { closeSockets, openMany } from './ws-util.js';

/**
 * seq and body of a message.created event in stream format 3 (the message's fields in the
 * event itself, as the bench's devices ask for it), else undefined.
 */
export function readMessageCreated(event: unknown): { seq: number; body: string } | undefined {
  if (!isRecord(event) || event.type !== 'message.created') return undefined;
  const { seq, body } = event;
  if (typeof seq !== 'number' || typeof body !== 'string') return undefined;
  return { seq, body };
}

/** The cursors of a `sync` event, else undefined. */
export function readSync(event: unknown): Record<string, number> | undefined {
  if (!isRecord(event) || event.type !== 'sync' || !isRecord(event.cursors)) return undefined;
  const cursors: Record<string, number> = {};
  for (const [room, seq] of Object.entries(event.cursors)) {
    if (typeof seq === 'number') cursors[room] = seq;
  }
  return cursors;
}

export interface ConfabDeviceOptions {
  port: number;
  token: string;
  /**
   * Where the stream starts, as the SDK passes it: the last seq the device has of each room
   * (`{}` and resume false for a new device, whose rooms start live).
   */
  cursors: Record<string, number>;
  resume: boolean;
  /** Subscriber number given to the sink. */
  subscriber: number;
  sink: Sink;
  closing: () => boolean;
  /** Longest wait for the connection, then for `sync`, each (15 s by default). */
  timeoutMs?: number;
  /** Source address (127.0.0.x) of the connection; the kernel's choice when absent. */
  localAddress?: string;
  /** The server accepted the stream (tRPC's `started`, before any backfill). */
  onStarted?: () => void;
  /** The `sync` event's cursors (the device is caught up and live once it arrives). */
  onSync?: (cursors: Record<string, number>) => void;
}

/**
 * One Confab device as the SDK opens it: `events.live` in stream format 3 (untracked events,
 * `message.created` flat, its clientMsgId only to its author, the presence snapshot as ids)
 * over tRPC's WebSocket protocol with its session token in connectionParams. Resolves once the
 * `sync` event arrived, i.e. after any backfill.
 */
export function openConfabDevice(options: ConfabDeviceOptions): Promise<WebSocket> {
  const { subscriber, sink } = options;
  return trpcSubscription({
    url: `ws://127.0.0.1:${options.port}/trpc`,
    connectionParams: { token: options.token },
    path: 'events.live',
    input: { cursors: options.cursors, resume: options.resume, format: 3, snapshot: 'ids' },
    what: `device ${subscriber}`,
    fail: sink.fail,
    closing: options.closing,
    liveOnStarted: false,
    onStarted: options.onStarted,
    timeoutMs: options.timeoutMs,
    localAddress: options.localAddress,
    onData(event) {
      const message = readMessageCreated(event);
      if (message) sink.deliver(subscriber, message.seq, indexOfBody(message.body));
      const synced = readSync(event);
      if (synced) options.onSync?.(synced);
      return synced !== undefined;
    },
  });
}

/**
 * Connects `count` new devices (subscribers `0..count-1`), round-robin over `tokens` starting
 * at `tokens[firstToken]`, from `localAddress` when given; resolves once every one is live.
 */
export async function connectConfabDevices(
  port: number,
  count: number,
  tokens: readonly string[],
  sink: Sink,
  firstToken = 0,
  localAddress?: string,
): Promise<Connections> {
  let closing = false;
  const sockets = await openMany(count, (i): Promise<WebSocket> => {
    const token = tokens[(firstToken + i) % tokens.length];
    if (!token) throw new Error('No users');
    return openConfabDevice({
      port,
      token,
      cursors: {},
      resume: false,
      subscriber: i,
      sink,
      closing: () => closing,
      ...(localAddress ? { localAddress } : {}),
    });
  });
  return {
    close: () => {
      closing = true;
      return closeSockets(sockets);
    },
  };
}
