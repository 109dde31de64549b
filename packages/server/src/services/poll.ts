import { LIMITS, type StreamEvent } from '@confab/contracts';
import type { Bus } from '../ports/bus.js';
import type { Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import { deviceStream, type StreamLimits } from './stream.js';

/**
 * Long polling over the same stream: answers at once with what is waiting after `cursors` (and
 * the sync point), otherwise waits up to `waitMs` for the first live event and answers with it
 * and whatever came with it. The client polls again with cursors advanced past what it got.
 */
export async function pollEvents(
  deps: { store: Store; bus: Bus; streamLimits: StreamLimits },
  auth: Authenticated,
  input: { cursors: Record<string, number>; resume: boolean; waitMs: number },
  signal: AbortSignal | undefined,
): Promise<StreamEvent[]> {
  const stop = new AbortController();
  const events: StreamEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onClientGone = () => stop.abort();
  signal?.addEventListener('abort', onClientGone, { once: true });
  const stream = deviceStream(deps, auth, {
    cursors: input.cursors,
    resume: input.resume,
    signal: stop.signal,
    limits: deps.streamLimits,
    // Caught up. With news (anything beyond the sync point) or no time to wait: answer now.
    // Otherwise the wait for the first live event starts here, not while the backlog is read.
    onIdle: () => {
      if (input.waitMs === 0 || events.some((e) => e.type !== 'sync')) stop.abort();
      else timer ??= setTimeout(() => stop.abort(), input.waitMs);
    },
  });
  try {
    for await (const event of stream) {
      events.push(event);
      if (events.length >= LIMITS.pollMaxEvents) break;
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onClientGone);
  }
  return events;
}
