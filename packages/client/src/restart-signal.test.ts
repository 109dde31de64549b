import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, restartDelayMs } from './backoff.js';
import { isServerRestart, TransportError } from './transports.js';

describe('isServerRestart', () => {
  it('reads a WebSocket closed with 1012 (Service Restart) as the server draining', () => {
    expect(isServerRestart(new TransportError('WebSocket closed', 1012))).toBe(true);
  });

  it('reads SERVICE_UNAVAILABLE (a drained SSE stream or poll) as the server draining', () => {
    const error = TRPCClientError.from({
      error: {
        message: 'Server restarting: reconnect',
        code: -32603,
        data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503, appCode: 'INTERNAL' },
      },
    });
    expect(isServerRestart(error)).toBe(true);
  });

  it('does not take a broken connection or another error for one', () => {
    expect(isServerRestart(new TransportError('WebSocket closed', 1006))).toBe(false);
    expect(isServerRestart(new TransportError('The stream ended'))).toBe(false);
    expect(isServerRestart(new TypeError('fetch failed'))).toBe(false);
    const internal = TRPCClientError.from({
      error: {
        message: 'Internal server error',
        code: -32603,
        data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500, appCode: 'INTERNAL' },
      },
    });
    expect(isServerRestart(internal)).toBe(false);
    expect(isServerRestart(undefined)).toBe(false);
  });
});

describe('restartDelayMs', () => {
  it('is a full jitter over the first retry ceiling, however many failures came before', () => {
    expect(restartDelayMs(DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(restartDelayMs(DEFAULT_BACKOFF, () => 0.5)).toBe(250);
    expect(restartDelayMs(DEFAULT_BACKOFF, () => 0.999_999)).toBe(500);
    expect(restartDelayMs({ minDelayMs: 50, maxDelayMs: 500 }, () => 0.5)).toBe(25);
  });
});
