import type { Socket } from 'node:net';
import { ERROR_CODES } from '@confab/contracts';
import { AppError } from '../errors.js';
import { keyedSlots } from '../services/keyed-slots.js';
import { addressKey } from './address-key.js';

/** What one client may hold open at once, and how long a connection may sit unused. */
export interface ConnectionLimits {
  /** Open TCP connections per client address; past it new ones are closed at once. @default 256 */
  maxConnectionsPerAddress: number;
  /** Live event streams (WebSocket subscriptions and SSE streams) per user. @default 20 */
  maxStreamsPerUser: number;
  /** Subscriptions one WebSocket may carry. @default 10 */
  maxSubscriptionsPerSocket: number;
  /** Queries and mutations one WebSocket may have running at once. @default 32 */
  maxInFlightPerSocket: number;
  /** Calls of one HTTP batch that run at once (the rest wait their turn). @default 4 */
  httpBatchConcurrency: number;
  /** A WebSocket must send its connectionParams (when it said it would) within this. @default 10000 */
  authTimeoutMs: number;
  /** A WebSocket with no subscription and no request for this long is closed. @default 120000 */
  idleSocketTimeoutMs: number;
  /** A connection must send a request's headers within this (Node's headersTimeout). @default 20000 */
  headersTimeoutMs: number;
  /** ...and the whole request (Node's requestTimeout; streams' responses are not bound). @default 30000 */
  requestTimeoutMs: number;
  /** Long-poll sessions per device (browser tabs share one sign-in). @default 4 */
  maxPollSessionsPerDevice: number;
  /** Long-poll sessions per user; past it the least recently polled is closed. @default 8 */
  maxPollSessionsPerUser: number;
  /** Events a poll session holds for its device before it ends as a slow consumer. @default 2000 */
  maxPollBufferedEvents: number;
  /** The same bound in bytes of JSON. @default 1048576 */
  maxPollBufferedBytes: number;
  /**
   * Requests one HTTP connection may have sent and not yet had answered (HTTP/1.1 pipelining);
   * past it the connection is closed (pipelining.ts). @default 16
   */
  maxPipelinedRequests: number;
  /**
   * WebSocket frames per second from one client address, over all its sockets; past it (and
   * the burst) the socket is closed with 1008 and the frame not read. @default 1000
   */
  wsFramesPerSecondPerAddress: number;
  /** The frames an address may send at once beyond that rate. @default 2000 */
  wsFrameBurstPerAddress: number;
  /**
   * HTTP requests and WebSocket upgrades per second from one client address; past it (and the
   * burst) a request is refused with RATE_LIMITED (429) and its connection closed, an upgrade
   * with 429 (request-budget.ts). @default 1000
   */
  httpRequestsPerSecondPerAddress: number;
  /** The requests an address may send at once beyond that rate. @default 2000 */
  httpRequestBurstPerAddress: number;
  /**
   * IPv6 addresses count as one client address for every per-address limit when they share
   * this many leading bits (address-key.ts): a host is given a /64, so one address each would
   * be no limit. 1 to 128. @default 64
   */
  ipv6PrefixBits: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnectionsPerAddress: 256,
  maxStreamsPerUser: 20,
  maxSubscriptionsPerSocket: 10,
  maxInFlightPerSocket: 32,
  httpBatchConcurrency: 4,
  authTimeoutMs: 10_000,
  idleSocketTimeoutMs: 120_000,
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 30_000,
  maxPollSessionsPerDevice: 4,
  maxPollSessionsPerUser: 8,
  maxPollBufferedEvents: 2_000,
  maxPollBufferedBytes: 1024 * 1024,
  maxPipelinedRequests: 16,
  wsFramesPerSecondPerAddress: 1_000,
  wsFrameBurstPerAddress: 2_000,
  httpRequestsPerSecondPerAddress: 1_000,
  httpRequestBurstPerAddress: 2_000,
  ipv6PrefixBits: 64,
};

/**
 * Counts open TCP connections per address (its key, address-key.ts) and closes the ones past
 * the cap before a byte is read, so one address cannot hold every file descriptor of the
 * process; and those of an address `refuse` names.
 */
export function createAddressCounter(
  max: number,
  ipv6PrefixBits: number,
  options: { refuse?: (address: string) => boolean } = {},
) {
  const open = new Map<string, number>();
  /** The address each counted socket was counted under (read again once it closed). */
  const counted = new WeakMap<Socket, string>();
  // One listener for every socket, not a closure per socket with `once`: an idle device holds
  // its socket for hours, and a once-wrapper with its closure is ~250 bytes of it.
  function release(this: Socket): void {
    const address = counted.get(this);
    if (address === undefined) return;
    counted.delete(this);
    const left = (open.get(address) ?? 1) - 1;
    if (left <= 0) open.delete(address);
    else open.set(address, left);
  }
  return {
    /** Counts a new connection; false (and the socket destroyed) when its address is full or refused. */
    admit(socket: Socket): boolean {
      const address = addressKey(socket.remoteAddress ?? 'unknown', ipv6PrefixBits);
      const count = open.get(address) ?? 0;
      if (count >= max || options.refuse?.(address)) {
        socket.destroy();
        return false;
      }
      open.set(address, count + 1);
      counted.set(socket, address);
      socket.on('close', release);
      return true;
    },
    /** Open connections of an address (for tests and metrics). */
    count: (address: string): number => open.get(address) ?? 0,
  };
}

/** How long a client told "too many streams" waits before it tries again. */
const STREAM_RETRY_MS = 5_000;

export function tooManyStreams(max: number): AppError {
  return new AppError(
    ERROR_CODES.RATE_LIMITED,
    `Too many open streams for this account (at most ${max}); close another device first`,
    { retryAfterMs: STREAM_RETRY_MS },
  );
}

/** Live event streams per user: of this process, or of the whole cluster (redis-stream-counter.ts). */
export interface StreamCounter {
  /**
   * Takes a stream slot for the user, or throws RATE_LIMITED (with `retryAfterMs`) when all
   * are taken. Resolves to the release, which may be called any number of times.
   */
  acquire(userId: string): Promise<() => void>;
  /** Open streams of a user on this process (for tests and metrics). */
  count(userId: string): number;
  close?(): void;
}

/** Live event streams per user, over every transport of this process. */
export function createStreamCounter(max: number): StreamCounter & {
  acquireNow(userId: string): () => void;
} {
  const slots = keyedSlots(max, () => tooManyStreams(max));
  return {
    acquireNow: slots.take,
    acquire: async (userId) => slots.take(userId),
    count: slots.count,
  };
}
