import type { StreamEvent } from '@confab/contracts';
import type { Authenticated } from './accounts.js';
import { type PollBufferLimits, PollSession, type PollSessionDeps } from './poll-session.js';

/** A poll session nobody asked for within this long is dropped. */
const IDLE_TTL_MS = 30_000;

export interface PollingOptions {
  /**
   * Poll sessions one user may hold (a session per device, so: polling devices). A device
   * that opens one past this closes the user's least recently polled session.
   * @default 8
   */
  maxPollSessionsPerUser?: number;
  /**
   * Events a poll session keeps waiting for its device; past this it ends as a slow consumer.
   * @default 2000, or streamLimits.maxQueuedEvents when that is lower
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
 * The poll sessions of one server process: at most one per device (the auth session), at most
 * `maxPollSessionsPerUser` per user. A poll without a pollId, or naming one this device does not
 * hold (expired, another node, a restart, someone else's), replaces the device's session: the
 * old one is closed, so repeating such polls cannot pile up sessions and their buffers.
 *
 * Why the per-user cap closes the least recently polled session rather than refusing the new
 * one: a refusal would lock a user's new device out for as long as abandoned sessions linger
 * (30 s), while the one closed loses nothing a poll cannot bring back (room events resume from
 * its cursors; only live signals in between are lost). Memory is bounded the same either way.
 */
export function createPolling(deps: Deps) {
  const maxPerUser = deps.maxPollSessionsPerUser ?? 8;
  const limits: PollBufferLimits = {
    maxEvents: deps.maxPollBufferedEvents ?? Math.min(2000, deps.streamLimits.maxQueuedEvents),
    maxBytes: deps.maxPollBufferedBytes ?? 1024 * 1024,
  };
  const byDevice = new Map<string, PollSession>();
  const byUser = new Map<string, Set<PollSession>>();

  function drop(session: PollSession): void {
    session.close();
    const key = session.auth.session.id;
    if (byDevice.get(key) === session) byDevice.delete(key);
    const userId = session.auth.user.id;
    const mine = byUser.get(userId);
    mine?.delete(session);
    if (mine?.size === 0) byUser.delete(userId);
  }

  function open(auth: Authenticated, input: { cursors: Record<string, number>; resume: boolean }) {
    const previous = byDevice.get(auth.session.id);
    if (previous) drop(previous);
    let mine = byUser.get(auth.user.id);
    if (!mine) {
      mine = new Set();
      byUser.set(auth.user.id, mine);
    }
    while (mine.size >= maxPerUser) {
      let oldest: PollSession | undefined;
      for (const s of mine) if (!oldest || s.lastUsed < oldest.lastUsed) oldest = s;
      if (!oldest) break;
      drop(oldest);
    }
    const session = new PollSession(deps, auth, input, limits);
    byDevice.set(auth.session.id, session);
    // drop() may have removed an emptied set from the map: put this one back.
    byUser.set(auth.user.id, mine);
    mine.add(session);
    return session;
  }

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const session of byDevice.values()) {
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
      let session = byDevice.get(auth.session.id);
      let ack: number | undefined;
      if (session && named?.id === session.id && session.knows(named.answer)) {
        ack = named.answer;
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
    stats(): { sessions: number; users: number; heldEvents: number } {
      let heldEvents = 0;
      for (const session of byDevice.values()) heldEvents += session.held;
      return { sessions: byDevice.size, users: byUser.size, heldEvents };
    },

    close(): void {
      clearInterval(sweep);
      for (const session of byDevice.values()) session.close();
      byDevice.clear();
      byUser.clear();
    },
  };
}
export type Polling = ReturnType<typeof createPolling>;
