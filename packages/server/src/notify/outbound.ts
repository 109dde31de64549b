import { loadUndici } from '../lazy-modules.js';
import type { ResolvedNotifyConfig } from './config.js';
import { createDestinations } from './destinations.js';
import { isInternalHost } from './endpoints.js';
import { isRefusedAddress, lazyGuardedAgent } from './guarded-agent.js';
import { createLimiter, describeError } from './tasks.js';
import type { Telemetry } from './telemetry.js';

/**
 * Why a request did not get an answer:
 * - `refused`: the host is, or resolves to, a reserved address; nothing was sent.
 * - `paused`: the destination failed too often lately and is paused; nothing was sent.
 * - `timeout`: no complete answer within `requestTimeoutMs`.
 * - `aborted`: the server gave up on in-flight requests at shutdown.
 * - `network`: the connection failed (refused, reset, TLS, name not found…).
 */
export type OutboundFailure = 'refused' | 'paused' | 'timeout' | 'aborted' | 'network';

/** What became of one POST: the destination's status, or why there is none. */
export type OutboundResult =
  | { status: number; durationMs: number }
  | { failure: OutboundFailure; error: string; durationMs: number; pausedForMs?: number };

/** The abort reason of a request that ran out of time (told apart from a shutdown). */
class RequestTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'RequestTimeout';
  }
}

/**
 * Every outgoing HTTP request of the notifier (Web Push and webhooks): checked against the
 * reserved ranges (IP literals here, resolved names in the guarded agent), per-destination
 * then global concurrency limits, per-destination pauses, and a timeout that covers the whole
 * request. Redirects are never followed: a redirect could point anywhere, and is a failure.
 */
export function createOutbound(deps: {
  config: ResolvedNotifyConfig;
  telemetry: Telemetry;
  /** Aborted when the server gives up on in-flight requests at shutdown. */
  requestSignal: AbortSignal;
  now: () => number;
}) {
  const { config, telemetry, requestSignal } = deps;
  const limit = createLimiter(config.maxConcurrentRequests);
  const destinations = createDestinations({
    maxConcurrent: config.maxConcurrentPerDestination,
    failuresBeforePause: config.destinationFailuresBeforePause,
    pauseBaseMs: config.destinationPauseBaseMs,
    pauseMaxMs: config.destinationPauseMaxMs,
    now: deps.now,
    onPause: (origin, pauseMs, failures) =>
      telemetry.log({ event: 'destination.paused', origin, pauseMs, failures }),
  });
  const dispatcher = lazyGuardedAgent({
    lookup: config.lookup,
    allowPrivateAddresses: config.allowPrivateAddresses,
  });

  async function send(
    url: URL,
    init: { headers: Record<string, string>; body: string | Uint8Array | null },
  ): Promise<OutboundResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    // Not AbortSignal.timeout() inside AbortSignal.any(): on Node 20 a timeout signal held only
    // by any() can be garbage-collected before it fires (nodejs/node#57736), and the request
    // then hangs forever, holding its slots. This timer is held by the event loop until cleared.
    const controller = new AbortController();
    const timeout = new RequestTimeout(config.requestTimeoutMs);
    const timer = setTimeout(() => controller.abort(timeout), config.requestTimeoutMs);
    const onShutdown = () => controller.abort(requestSignal.reason);
    if (requestSignal.aborted) onShutdown();
    else requestSignal.addEventListener('abort', onShutdown, { once: true });
    try {
      const [{ fetch }, agent] = await Promise.all([loadUndici(), dispatcher.agent()]);
      const response = await fetch(url, {
        method: 'POST',
        headers: init.headers,
        body: init.body,
        redirect: 'manual',
        signal: controller.signal,
        dispatcher: agent,
      });
      // The body is not needed, but the timeout covers it: a peer that sends headers and then
      // trickles (or never ends) a body is cut off too.
      await response.body?.cancel();
      return { status: response.status, durationMs: elapsed() };
    } catch (error) {
      const reason = controller.signal.reason;
      const failure: OutboundFailure =
        reason === timeout
          ? 'timeout'
          : controller.signal.aborted
            ? 'aborted'
            : isRefusedAddress(error)
              ? 'refused'
              : 'network';
      const message = failure === 'timeout' ? timeout.message : describeError(error);
      return { failure, error: message, durationMs: elapsed() };
    } finally {
      clearTimeout(timer);
      requestSignal.removeEventListener('abort', onShutdown);
    }
  }

  return {
    /**
     * POSTs `init.body` to `endpoint`; never throws. It waits for a slot of the destination,
     * then for a global one, so requests waiting on a slow destination hold no global slot.
     */
    async post(
      endpoint: string,
      init: { headers: Record<string, string>; body: string | Uint8Array | null },
    ): Promise<OutboundResult> {
      const url = new URL(endpoint);
      if (!config.allowPrivateAddresses && isInternalHost(url.hostname)) {
        return {
          failure: 'refused',
          error: `${url.hostname} is a loopback, private or reserved address`,
          durationMs: 0,
        };
      }
      const origin = url.origin;
      return destinations.run(origin, async () => {
        // Checked once this request's turn came: the pause may have begun while it waited.
        const pausedForMs = destinations.pausedForMs(origin);
        if (pausedForMs > 0) {
          return {
            failure: 'paused',
            error: `destination paused for ${pausedForMs} ms after repeated failures`,
            durationMs: 0,
            pausedForMs,
          };
        }
        const result = await limit(() => send(url, init));
        if ('status' in result) {
          if (result.status >= 500 || result.status === 429) destinations.failed(origin);
          else destinations.succeeded(origin);
        } else if (result.failure === 'timeout' || result.failure === 'network') {
          destinations.failed(origin);
        }
        return result;
      });
    },

    /** Closes the connections kept alive (once no request is in flight). */
    close: (): Promise<void> => dispatcher.close(),
  };
}
export type Outbound = ReturnType<typeof createOutbound>;
