import { LIMITS, type PresenceState, type PresenceStatus } from '@confab/contracts';
import type { Bus } from '../ports/bus.js';
import type { Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';

/** One open stream of a device, as presence sees it. */
export interface StreamHandle {
  /** SSE cannot tell a vanished peer from a quiet one: such streams need heartbeats. */
  needsHeartbeat: boolean;
  /** Drops the connection (the device is gone as far as we can tell). */
  cutOff(): void;
}

interface Device {
  userId: string;
  streams: Set<StreamHandle>;
  active: boolean;
  lastHeartbeat: number;
}

/**
 * Who is online, over all of a user's devices (a device is a session): online while one of them
 * has a live stream and is active, away while all live ones are idle or hidden, offline
 * otherwise, with the time the last one went. Members of a shared room get changes live.
 *
 * A device that vanishes without closing turns offline within a bound: WebSocket by the
 * server's ping (10 s + 5 s), long polling when its poll session expires (30 s), SSE when its
 * heartbeats stop (45 s). In memory, per process.
 */
export function createPresence(deps: {
  store: Store;
  bus: Bus;
  now: () => number;
  heartbeatTtlMs?: number;
}) {
  const { store, bus, now } = deps;
  const heartbeatTtlMs = deps.heartbeatTtlMs ?? LIMITS.heartbeatTtlMs;
  const devices = new Map<string, Device>();
  const devicesOfUser = new Map<string, Set<string>>();
  const published = new Map<string, PresenceStatus>();
  const lastSeen = new Map<string, number>();

  function statusOf(userId: string): PresenceStatus {
    let live = false;
    for (const sessionId of devicesOfUser.get(userId) ?? []) {
      const device = devices.get(sessionId);
      if (!device || device.streams.size === 0) continue;
      if (device.active) return 'online';
      live = true;
    }
    return live ? 'away' : 'offline';
  }

  function stateOf(userId: string, fallbackSeen?: number): PresenceState {
    const status = statusOf(userId);
    return {
      userId,
      status,
      lastSeenAt: status === 'offline' ? (lastSeen.get(userId) ?? fallbackSeen ?? null) : null,
    };
  }

  /** Tells everyone who shares a room with the user, when their status really changed. */
  async function changed(userId: string): Promise<void> {
    const status = statusOf(userId);
    if ((published.get(userId) ?? 'offline') === status) return;
    published.set(userId, status);
    if (status === 'offline') lastSeen.set(userId, now());
    const event = { type: 'presence' as const, ...stateOf(userId) };
    for (const peer of await store.peersOf(userId))
      await bus.publish(`user:${peer}`, { kind: 'user', event });
  }

  function deviceOf(auth: Authenticated): Device {
    let device = devices.get(auth.session.id);
    if (!device) {
      device = { userId: auth.user.id, streams: new Set(), active: true, lastHeartbeat: now() };
      devices.set(auth.session.id, device);
      let sessions = devicesOfUser.get(auth.user.id);
      if (!sessions) {
        sessions = new Set();
        devicesOfUser.set(auth.user.id, sessions);
      }
      sessions.add(auth.session.id);
    }
    return device;
  }

  function forget(sessionId: string, device: Device): void {
    if (device.streams.size > 0) return;
    devices.delete(sessionId);
    devicesOfUser.get(device.userId)?.delete(sessionId);
    if (devicesOfUser.get(device.userId)?.size === 0) devicesOfUser.delete(device.userId);
  }

  const sweep = setInterval(() => {
    const t = now();
    for (const device of devices.values()) {
      if (t - device.lastHeartbeat <= heartbeatTtlMs) continue;
      for (const stream of [...device.streams]) if (stream.needsHeartbeat) stream.cutOff();
    }
  }, heartbeatTtlMs / 3);
  sweep.unref();

  // One chain for all changes, so that a user's online/offline events go out in the order
  // they happened even though each waits for a store query.
  let publishing = Promise.resolve();
  let closed = false;
  const report = (userId: string) => {
    // Streams ending while the server shuts down are not news: nobody is left to tell.
    if (closed) return;
    publishing = publishing
      .then(() => changed(userId))
      .catch((error: unknown) => console.warn('presence: could not publish a change', error));
  };

  return {
    /** A stream of the device opened; `detach` it when it ends. */
    attach(auth: Authenticated, stream: StreamHandle): void {
      const device = deviceOf(auth);
      device.streams.add(stream);
      device.lastHeartbeat = now();
      report(auth.user.id);
    },

    /**
     * A stream of the device ended. (A device entry lives while it has streams, so the lookup
     * finds the entry `attach` used.)
     */
    detach(auth: Authenticated, stream: StreamHandle): void {
      const device = devices.get(auth.session.id);
      if (!device?.streams.delete(stream)) return;
      forget(auth.session.id, device);
      report(auth.user.id);
    },

    heartbeat(auth: Authenticated): void {
      const device = devices.get(auth.session.id);
      if (device) device.lastHeartbeat = now();
    },

    setActive(auth: Authenticated, active: boolean): void {
      const device = deviceOf(auth);
      device.active = active;
      device.lastHeartbeat = now();
      forget(auth.session.id, device);
      report(auth.user.id);
    },

    /** Whether any device of the user has a live stream (for offline notifications). */
    isConnected(userId: string): boolean {
      return statusOf(userId) !== 'offline';
    },

    /**
     * Who among these users is online or away (at most `max`): what a new stream's snapshot
     * carries. Everyone else is offline; `of` tells when they were last seen. No store access,
     * so a reconnect storm into a large room stays cheap.
     */
    present(userIds: readonly string[], max: number): PresenceState[] {
      const states: PresenceState[] = [];
      for (const id of userIds) {
        if (states.length >= max) break;
        const status = statusOf(id);
        if (status !== 'offline') states.push({ userId: id, status, lastSeenAt: null });
      }
      return states;
    },

    /** The presence of these users, with last-seen times from the store for those long gone. */
    async of(userIds: readonly string[]): Promise<PresenceState[]> {
      const unknown = userIds.filter((id) => statusOf(id) === 'offline' && !lastSeen.has(id));
      const seen = await store.lastSeenOf(unknown);
      return userIds.map((id) => stateOf(id, seen.get(id)));
    },

    close(): void {
      closed = true;
      clearInterval(sweep);
    },
  };
}
export type Presence = ReturnType<typeof createPresence>;
