import type { StreamEvent } from '@confab/contracts';
import type { Authenticated } from './accounts.js';
import { createPollHandoff } from './poll-handoff.js';
import { type PollBufferLimits, PollSession, type PollSessionDeps } from './poll-session.js';

/** A poll session nobody asked for within this long is dropped. */
const IDLE_TTL_MS = 30_000;

export interface PollingOptions {
  /**
   * Poll sessions one device (one sign-in: browser tabs share it) may hold. A poll without a
   * pollId, or naming one the device does not hold, past this closes the device's least
   * recently polled session. @default 4
   */
  maxPollSessionsPerDevice?: number;
  /**
   * Poll sessions one user may hold (a session per device, so: polling devices). A device
   * that opens one past this closes the user's least recently polled session.
   * @default 8
   */
  maxPollSessionsPerUser?: number;
  /**
   * Events a poll session keeps waiting for its device; past this it ends as a slow consumer
   * (never more than streamLimits.maxQueuedEvents). @default 2000
   */
  maxPollBufferedEvents?: number;
  /** The same bound in bytes (the events' JSON length). @default 1 MiB */
  maxPollBufferedBytes?: number;
}

type Deps = PollSessionDeps & PollingOptions;

/** `pollId` on the wire: the session's id and the number of the answer it came with. */
function parsePollId(pollId: string | undefined): { id: string; answer: number } | undefined {
  const match = pollId ? /^([A-Za-z0-9_-]{1,40})\.(\d{1,9})$/.exec(pollId) : null;
  return match?.[1] && match[2] ? { id: match[1], answer: Number(match[2]) } : undefined;
}

/**
 * The poll sessions of one server process: at most `maxPollSessionsPerDevice` per device (the
 * auth session, which a browser's tabs share), at most `maxPollSessionsPerUser` per user. A poll
 * without a pollId, or naming one this device does not hold (expired, another node, a restart,
 * someone else's), opens a session; past the device's cap it replaces the device's least
 * recently polled one, so repeating such polls cannot pile up sessions and their buffers.
 *
 * Why the per-user cap closes the least recently polled session rather than refusing the new
 * one: a refusal would lock a user's new device out for as long as abandoned sessions linger
 * (30 s), while the one closed loses nothing a poll cannot bring back (room events resume from
 * its cursors; only live signals in between are lost). Memory is bounded the same either way.
 */
export function createPolling(deps: Deps) {
  const maxPerUser = deps.maxPollSessionsPerUser ?? 8;
  const maxPerDevice = deps.maxPollSessionsPerDevice ?? 4;
  const limits: PollBufferLimits = {
    maxEvents: Math.min(deps.maxPollBufferedEvents ?? 2000, deps.streamLimits.maxQueuedEvents),
    maxBytes: deps.maxPollBufferedBytes ?? 1024 * 1024,
  };
  const byId = new Map<string, PollSession>();
  const byDevice = new Map<string, Set<PollSession>>();
  const byUser = new Map<string, Set<PollSession>>();

  const remove = (index: Map<string, Set<PollSession>>, key: string, session: PollSession) => {
    const set = index.get(key);
    set?.delete(session);
    if (set?.size === 0) index.delete(key);
  };
  const add = (index: Map<string, Set<PollSession>>, key: string, session: PollSession) => {
    let set = index.get(key);
    if (!set) {
      set = new Set();
      index.set(key, set);
    }
    set.add(session);
  };
  /** Closes the least recently polled sessions of `set` until fewer than `max` remain. */
  const trim = (set: Set<PollSession> | undefined, max: number) => {
    while (set && set.size >= max) {
      let oldest: PollSession | undefined;
      for (const s of set) if (!oldest || s.lastUsed < oldest.lastUsed) oldest = s;
      if (!oldest) break;
      drop(oldest);
    }
  };

  function drop(session: PollSession): void {
    session.close();
    byId.delete(session.id);
    remove(byDevice, session.auth.session.id, session);
    remove(byUser, session.auth.user.id, session);
  }

  function open(
    auth: Authenticated,
    input: { cursors: Record<string, number>; resume: boolean },
    continued?: { id: string; answer: number },
  ) {
    trim(byDevice.get(auth.session.id), maxPerDevice);
    trim(byUser.get(auth.user.id), maxPerUser);
    const session = new PollSession(deps, auth, input, limits, continued);
    byId.set(session.id, session);
    add(byDevice, auth.session.id, session);
    add(byUser, auth.user.id, session);
    return session;
  }

  // With several processes, a device's next poll may reach another one: it takes the session
  // over, with the signals that waited in it (poll-handoff.ts).
  const handoff = deps.bus.spansProcesses
    ? createPollHandoff({ bus: deps.bus, held: (id) => byId.get(id), drop })
    : undefined;

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const session of byId.values()) {
      if (now - session.lastUsed > IDLE_TTL_MS) drop(session);
    }
  }, IDLE_TTL_MS / 3);
  sweep.unref();

  return {
    /**
     * Answers at once with what is waiting after `cursors` (and the sync point), otherwise waits
     * up to `waitMs` for the first live event and answers with it and whatever came with it.
     * The answer's `pollId` names the session and the answer: the next poll passes it back,
     * which tells the session the answer arrived. A poll that passes the pollId before it
     * instead (its answer was lost) gets that same answer again.
     */
    async poll(
      auth: Authenticated,
      input: {
        pollId?: string | undefined;
        cursors: Record<string, number>;
        resume: boolean;
        waitMs: number;
      },
      signal: AbortSignal | undefined,
    ): Promise<{ pollId: string; events: StreamEvent[] }> {
      const named = parsePollId(input.pollId);
      let session = named ? byId.get(named.id) : undefined;
      let ack: number | undefined;
      // Only the device that holds a session may poll it.
      if (
        session &&
        named &&
        session.auth.session.id === auth.session.id &&
        session.knows(named.answer)
      ) {
        ack = named.answer;
      } else if (named && handoff !== undefined && session === undefined) {
        // Held elsewhere (or nowhere any more): continue it here, live first, then take over
        // what waited in it.
        const here = open(auth, input, named);
        await here.synced;
        here.adopt(await handoff.takeOver(named.id, auth.session.id, named.answer));
        session = here;
      } else {
        session = open(auth, input);
      }
      try {
        const { answer, events } = await session.take(ack, input.waitMs, signal);
        return { pollId: `${session.id}.${answer}`, events };
      } finally {
        if (session.failed) drop(session);
      }
    },

    /** Poll sessions held, and the events they hold (waiting and unacknowledged): for tests. */
    stats(userId?: string): {
      sessions: number;
      users: number;
      heldEvents: number;
      mostHeldBySession: number;
    } {
      const sessions = userId ? [...(byUser.get(userId) ?? [])] : [...byId.values()];
      let heldEvents = 0;
      let mostHeldBySession = 0;
      for (const session of sessions) {
        heldEvents += session.held;
        mostHeldBySession = Math.max(mostHeldBySession, session.held);
      }
      return { sessions: sessions.length, users: byUser.size, heldEvents, mostHeldBySession };
    },

    /**
     * One goodbye per poll session, for a draining server: each ends its session with `reason`
     * (the device's waiting poll answers, or fails with it, and it reconnects elsewhere).
     */
    goodbyes(reason: () => unknown): Array<() => void> {
      return [...byId.values()].map((session) => () => {
        session.leave(reason());
        drop(session);
      });
    },

    close(): void {
      clearInterval(sweep);
      handoff?.close();
      for (const session of byId.values()) session.close();
      byId.clear();
      byDevice.clear();
      byUser.clear();
    },
  };
}
export type Polling = ReturnType<typeof createPolling>;
