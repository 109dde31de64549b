import type { StreamEvent } from '@confab/contracts';
import type { Bus, BusMessage } from '../ports/bus.js';
import { reportError } from '../report.js';
import { newId } from './crypto.js';
import type { PollSession } from './poll-session.js';

/**
 * Long polling without sticky sessions. A device's polls may reach any node (a proxy that
 * balances each request). Log events are no problem: a node that does not hold the device's
 * poll session opens one from the device's cursors and reads them from the store. Signals are
 * (typing, receipts, presence, read markers of other devices, app pushes): they exist only in
 * the session of the node that answered the last poll, waiting for the next one.
 *
 * So the node that got the poll opens its own session first and waits until its subscriptions
 * are live (`synced`); only then does it ask, on the `polls` topic every node follows, for the
 * device's old session. Its holder ends that session and answers with the signals it held:
 * everything heard before the new session was live is in that answer, everything after is in
 * the new session, and a signal heard by both in the moment they overlap is kept once
 * (PollSession.adopt). A holder that does not answer within `timeoutMs` (it died, or the
 * session expired) costs the device those signals only, never a log event.
 */
export function createPollHandoff(deps: {
  bus: Bus;
  /** The session with this id, if this node holds it. */
  held(id: string): PollSession | undefined;
  /** Forgets a session handed over (it is closed already). */
  drop(session: PollSession): void;
  /** @default 1000 */
  timeoutMs?: number;
}) {
  const { bus } = deps;
  const timeoutMs = deps.timeoutMs ?? 1_000;
  const node = newId();
  const waiting = new Map<string, (events: StreamEvent[]) => void>();

  const onMessage = (message: BusMessage): void => {
    if (message.kind === 'poll-handed') {
      waiting.get(message.requestId)?.(message.events);
      return;
    }
    if (message.kind !== 'poll-handoff' || message.from === node) return;
    const session = deps.held(message.pollId);
    // Only the device that holds a session may take it over.
    if (!session || session.auth.session.id !== message.deviceId) return;
    const events = session.handOver(message.ack);
    deps.drop(session);
    bus
      .publish('polls', { kind: 'poll-handed', requestId: message.requestId, events })
      .catch((error: unknown) => reportError('poll handoff answer', error));
  };
  const following = bus.subscribe('polls', onMessage);
  following.catch((error: unknown) => reportError('poll handoff subscription', error));

  return {
    /**
     * Asks the other nodes for the device's session `pollId` and resolves with the signals it
     * held; with none when no node answers within the timeout.
     */
    async takeOver(pollId: string, deviceId: string, ack: number): Promise<StreamEvent[]> {
      await following;
      const requestId = newId();
      return new Promise((resolve) => {
        const finish = (events: StreamEvent[]) => {
          clearTimeout(timer);
          waiting.delete(requestId);
          resolve(events);
        };
        const timer = setTimeout(() => finish([]), timeoutMs);
        waiting.set(requestId, finish);
        bus
          .publish('polls', { kind: 'poll-handoff', from: node, requestId, pollId, deviceId, ack })
          .catch(() => finish([]));
      });
    },
    close(): void {
      bus.unsubscribe('polls', onMessage);
      for (const finish of [...waiting.values()]) finish([]);
    },
  };
}
