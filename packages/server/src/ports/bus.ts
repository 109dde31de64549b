import type { Receipt, RoomEvent, StreamEvent, Typing, UserEvent } from '@confab/contracts';
import type * as z from 'zod';
import type { Observer } from '../observability/observer.js';
import type { PresenceChange } from './presence-directory.js';

/** What travels on the bus: a room's log entry, or a signal for one user's devices. */
export type BusMessage =
  | { kind: 'room'; event: RoomEvent }
  /** The user's room set changed at `seq` of the room's log (joined, left or removed). */
  | { kind: 'membership'; userId: string; roomId: string; seq: number }
  /** A session was revoked or logged out: its live streams end. */
  | { kind: 'session-ended'; userId: string; sessionId: string }
  /** A signal for the user's live devices (read marker moved, app push) or, on `broadcast`, for all. */
  | { kind: 'user'; event: UserEvent }
  /** On a room's topic: a signal for its members that is not part of its log. */
  | { kind: 'signal'; event: z.infer<typeof Typing> | z.infer<typeof Receipt> }
  /**
   * On the user's topic: a device's heartbeat or activity (`active`), from whichever node its
   * HTTP call reached, for the node that holds its stream.
   */
  | { kind: 'device'; sessionId: string; active?: boolean }
  /** On `presence`: a user's status over all nodes changed (each node tells its own devices). */
  | { kind: 'presence'; change: PresenceChange }
  /**
   * On `polls`: the node that answered a device's last poll is asked to hand that poll session
   * over (another node got the device's next poll: no sticky sessions). `from` is the asking
   * node, which ignores its own request; `deviceId` the auth session that must hold it.
   */
  | {
      kind: 'poll-handoff';
      from: string;
      requestId: string;
      pollId: string;
      deviceId: string;
      /** The answer number the device's poll names. */
      ack: number;
    }
  /** On `polls`: the answer to `poll-handoff`, the signals that waited for the device. */
  | { kind: 'poll-handed'; requestId: string; events: StreamEvent[] }
  /**
   * From the bus itself, never published: messages on this topic may have been lost (the
   * connection to the other nodes dropped and came back, Redis restarted). Whoever follows the
   * topic re-reads what it needs from the store: the log has everything the bus lost.
   */
  | { kind: 'gap' };

/**
 * `room:<id>` carries a room's log; `user:<id>` one user's signals; `broadcast` reaches everyone;
 * `presence` reaches every node (not devices) with each presence change; `polls` every node's
 * long polling (poll-handoff.ts).
 */
export type BusTopic = `room:${string}` | `user:${string}` | 'broadcast' | 'presence' | 'polls';

/**
 * Fan-out between publishers and live streams. The in-process adapter serves one node; a Redis
 * adapter serves several, with the same contract: a handler sees each message published on its
 * topic after its subscription is live, in publish order per topic, or else a `gap` message
 * saying that some may be missing. The bus may lose messages; the log may not.
 */
export type BusHandler = (message: BusMessage) => void;

export interface Bus {
  /** True when the bus links several processes (Redis): state kept per process must be shared. */
  readonly spansProcesses?: boolean;
  publish(topic: BusTopic, message: BusMessage): Promise<void>;
  /**
   * Calls `handler` with every message published on `topic` once the returned promise has
   * resolved (the subscription is live: on a networked bus, the broker has confirmed it), so a
   * stream subscribes first and then reads the store. A handler is known by identity:
   * subscribing it twice to a topic is subscribing it once. (No closure is returned to end it:
   * thousands of devices each hold several subscriptions.)
   */
  subscribe(topic: BusTopic, handler: BusHandler): Promise<void>;
  /** Ends `handler`'s subscription to `topic`; nothing when it had none. */
  unsubscribe(topic: BusTopic, handler: BusHandler): void;
  close(): Promise<void>;
  /** Resolves when the bus's broker answers (readiness); absent when there is none. */
  ping?(): Promise<void>;
  /** Hands the adapter the server's logger and metrics (bus lag, connection errors). */
  observe?(observer: Observer): void;
}
