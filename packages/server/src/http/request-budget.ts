import type { Duplex } from 'node:stream';
import { ERROR_CODES } from '@confab/contracts';
import { AppError } from '../errors.js';
import { createTokenBuckets } from '../services/rate-limit.js';

/**
 * HTTP requests and WebSocket upgrades per client address (its key: address-key.ts), a token
 * bucket each. Every request costs the event loop all clients share before any rule of the
 * API can refuse it (parsing, routing, a static file, a 401), and the connection cap bounds
 * only how many connections an address holds, not how fast it sends on them: one address
 * loading the web app's page back to back on 8 connections took a whole core.
 */
export function createRequestBudget(options: {
  perSecond: number;
  burst: number;
  /** Told of each request, upgrade or connection refused (a metric). */
  onRefused?: () => void;
}) {
  const buckets = createTokenBuckets({ ratePerSecond: options.perSecond, burst: options.burst });
  return {
    /** 0 when the address may send this request, else the milliseconds until it may. */
    take(address: string): number {
      const wait = buckets.take(address);
      if (wait > 0) options.onRefused?.();
      return wait;
    },
    /** Whether a new connection of the address is closed unread: its budget is spent. */
    refusesConnection(address: string): boolean {
      if (buckets.has(address)) return false;
      options.onRefused?.();
      return true;
    },
  };
}

export const tooManyRequests = (retryAfterMs: number) =>
  new AppError(ERROR_CODES.RATE_LIMITED, 'Too many requests from this address; slow down', {
    retryAfterMs,
  });

/** Refuses a WebSocket upgrade past the budget (429, Retry-After in whole seconds). */
export function refuseUpgrade(socket: Duplex, retryAfterMs: number): void {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  socket.end(
    `HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${seconds}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  );
}
