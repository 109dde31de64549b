import {
  LIMITS,
  type PresenceState,
  type PresenceStatus,
  type StreamEvent,
} from '@confab/contracts';
import { createMemoryPresenceDirectory } from '../adapters/memory-presence-directory.js';
import { fallbackLogger, type Logger } from '../observability/logger.js';
import type { Bus, BusMessage } from '../ports/bus.js';
import type { PresenceChange, PresenceDirectory } from '../ports/presence-directory.js';
import type { Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import { PresenceSnapshots } from './presence-snapshots.js';
import { PresenceView } from './presence-view.js';
import { peersIn, RoomMemberSets, type VersionedRoom } from './room-member-sets.js';

/** What a peer's device is told when someone's presence changes. */
export type PresenceChangedEvent = Extract<StreamEvent, { type: 'presence' }>;

/** One open stream of a device, as presence sees it. */
export interface StreamHandle {
  /** SSE cannot tell a vanished peer from a quiet one: such streams need heartbeats. */
  needsHeartbeat: boolean;
  /** Drops the connection (the device is gone as far as we can tell). */
  cutOff(): void;
  /** Someone who shares a room with the device's user changed presence. */
  presenceChanged(event: PresenceChangedEvent): void;
}

interface Device {
  userId: string;
  streams: Set<StreamHandle>;
  active: boolean;
  lastHeartbeat: number;
}

/** A failed subscription to the `presence` topic or rebuild is tried again this much later. */
const RETRY_MS = 1_000;

/**
 * Who is online, over all of a user's devices on every node (a device is a session): online
 * while one of them has a live stream and is active, away while all live ones are idle or
 * hidden, offline otherwise, with the time the last one went. Members of a shared room get
 * changes live.
 *
 * Each node tracks its own devices here and records its status per user in the directory
 * (ports/presence-directory.ts), which tells it when that made a cluster-wide change. The node
 * that made a change announces it on the bus's `presence` topic; every node keeps the newest
 * version of each user in its view (presence-view.ts), tells its own devices of the user's
 * peers when the status moved, and answers snapshots, `of` and `isConnected` from the view
 * without any I/O. When the bus reports a gap on `presence` (Redis restarted, a link dropped),
 * the view is rebuilt from the directory, once the other nodes had time to write their
 * statuses again, and the changes this node missed go to its devices then.
 *
 * A device that vanishes without closing turns offline within a bound: WebSocket by the
 * server's ping (10 s + 5 s), long polling when its poll session expires (30 s), SSE when its
 * heartbeats stop (45 s). A node that dies: see the directory (20 s with Redis).
 */
export function createPresence(deps: {
  store: Store;
  bus: Bus;
  now: () => number;
  /** @default fallbackLogger */
  log?: Logger;
  heartbeatTtlMs?: number;
  /** @default this process alone (createMemoryPresenceDirectory) */
  directory?: PresenceDirectory;
  /** Who shares a room with whom, for snapshots. @default new RoomMemberSets(store) */
  memberSets?: RoomMemberSets;
}) {
  const { store, bus, now } = deps;
  const log = deps.log ?? fallbackLogger;
  const heartbeatTtlMs = deps.heartbeatTtlMs ?? LIMITS.heartbeatTtlMs;
  const directory = deps.directory ?? createMemoryPresenceDirectory();
  const memberSets = deps.memberSets ?? new RoomMemberSets(store);
  const view = new PresenceView();
  const snapshots = new PresenceSnapshots();
  const devices = new Map<string, Device>();
  const devicesOfUser = new Map<string, Set<string>>();
  /** The status this node last recorded in the directory per user (absent: offline). */
  const recorded = new Map<string, PresenceStatus>();
  /**
   * Streams attached whose snapshot is not yet in force. A change's telling waits for a store
   * query, so one the view took before a snapshot read it can reach the stream after that
   * snapshot: it is in the snapshot already, and told again it would be a duplicate.
   */
  const awaitingSnapshot = new Set<StreamHandle>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let closed = false;

  /** This node's devices of the user. */
  function localStatus(userId: string): PresenceStatus {
    let live = false;
    for (const sessionId of devicesOfUser.get(userId) ?? []) {
      const device = devices.get(sessionId);
      if (!device || device.streams.size === 0) continue;
      if (device.active) return 'online';
      live = true;
    }
    return live ? 'away' : 'offline';
  }

  function localStatuses(): Map<string, PresenceStatus> {
    const statuses = new Map<string, PresenceStatus>();
    for (const userId of devicesOfUser.keys()) {
      const status = localStatus(userId);
      if (status !== 'offline') statuses.set(userId, status);
    }
    return statuses;
  }

  function stateOf(userId: string, fallbackSeen?: number): PresenceState {
    const status = view.statusOf(userId);
    return {
      userId,
      status,
      lastSeenAt: status === 'offline' ? (view.lastSeenOf(userId) ?? fallbackSeen ?? null) : null,
    };
  }

  /**
   * Records the user's status on this node when it moved. Called in the order things happen;
   * the directory keeps that order (see PresenceDirectory.set), so no chain is needed here.
   */
  function report(userId: string): void {
    // Streams ending while the server shuts down are not news: nobody is left to tell (and
    // with Redis, the directory lets the other nodes sweep this node's users at once).
    if (closed) return;
    const status = localStatus(userId);
    if ((recorded.get(userId) ?? 'offline') === status) return;
    if (status === 'offline') recorded.delete(userId);
    else recorded.set(userId, status);
    // A failed write is the directory's to repair (it writes this node's statuses again).
    directory.set(userId, status, now()).then(
      (change) => {
        if (change) announce(change);
      },
      (error: unknown) => log.warn({ err: error }, 'presence: could not record a change'),
    );
  }

  /** A change this node made: every node (this one included) learns it. */
  function announce(change: PresenceChange): void {
    if (closed) return;
    if (directory.shared) void bus.publish('presence', { kind: 'presence', change });
    heard(change);
  }

  function heard(change: PresenceChange): void {
    if (view.apply(change)) tellDevices(change);
    snapshots.moved(view.version);
  }

  // One chain for this node's devices, so that a user's changes reach them in the order the
  // view took them although each waits for a store query.
  let telling = Promise.resolve();
  function tellDevices(change: PresenceChange): void {
    telling = telling
      .then(async () => {
        if (closed || devices.size === 0) return;
        const event: PresenceChangedEvent = {
          type: 'presence',
          userId: change.userId,
          status: change.status,
          lastSeenAt: change.status === 'offline' ? change.at : null,
        };
        for (const peer of await store.peersOf(change.userId))
          for (const sessionId of devicesOfUser.get(peer) ?? [])
            for (const stream of devices.get(sessionId)?.streams ?? [])
              if (!awaitingSnapshot.has(stream)) stream.presenceChanged(event);
      })
      .catch((error: unknown) => log.warn({ err: error }, 'presence: could not tell devices'));
  }

  function later(task: () => void, ms: number): void {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      task();
    }, ms);
    timer.unref();
    timers.add(timer);
  }

  // Rebuilds do not overlap: one asked for while one runs follows it.
  let rebuilding = false;
  let rebuildAgain = false;
  async function rebuild(): Promise<void> {
    if (rebuilding) {
      rebuildAgain = true;
      return;
    }
    rebuilding = true;
    try {
      const reading = await directory.read();
      if (!closed) for (const change of view.rebuild(reading, now())) tellDevices(change);
      snapshots.moved(view.version);
    } catch (error) {
      log.warn({ err: error }, 'presence: could not read the directory; trying again');
      later(() => void rebuild(), RETRY_MS);
    } finally {
      rebuilding = false;
    }
    if (rebuildAgain) {
      rebuildAgain = false;
      void rebuild();
    }
  }

  const onPresence = (message: BusMessage): void => {
    if (message.kind === 'presence') heard(message.change);
    // Changes may have been lost; so may Redis's data (a restart): wait until every node has
    // written its statuses again, then read them all.
    else if (message.kind === 'gap') later(() => void rebuild(), directory.reassertWithinMs);
  };

  /** Follows `presence` (subscribed before reading, so no change falls in between). */
  function follow(): void {
    bus.subscribe('presence', onPresence).then(
      () => rebuild(),
      (error: unknown) => {
        log.warn({ err: error }, 'presence: could not follow other nodes; trying again');
        later(follow, RETRY_MS);
      },
    );
  }

  if (directory.shared) follow();
  directory.start({ changed: announce, local: localStatuses });

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

  function touch(sessionId: string): void {
    const device = devices.get(sessionId);
    if (device) device.lastHeartbeat = now();
  }

  /**
   * Passes a call about the device on when this node does not hold its stream: with several
   * nodes the call may reach any of them (no sticky sessions). It goes on the user's topic to
   * the node that does (its DeviceSession calls `touched`). True when passed on.
   */
  function forwardedToItsNode(auth: Authenticated, change: { active?: boolean }): boolean {
    if (devices.has(auth.session.id) || !bus.spansProcesses) return false;
    bus
      .publish(`user:${auth.user.id}`, { kind: 'device', sessionId: auth.session.id, ...change })
      .catch((error: unknown) => log.warn({ err: error }, 'presence: could not reach the device'));
    return true;
  }

  const sweep = setInterval(() => {
    const t = now();
    for (const device of devices.values()) {
      if (t - device.lastHeartbeat <= heartbeatTtlMs) continue;
      for (const stream of [...device.streams]) if (stream.needsHeartbeat) stream.cutOff();
    }
  }, heartbeatTtlMs / 3);
  sweep.unref();

  /** Who among these users is online or away (at most `max`), as the view's shared states. */
  function present(userIds: readonly string[], max: number): PresenceState[] {
    const states: PresenceState[] = [];
    for (const id of userIds) {
      if (states.length >= max) break;
      const state = view.presentState(id);
      if (state) states.push(state);
    }
    return states;
  }

  return {
    /**
     * A stream of the device opened (`detach` it when it ends): the device counts as present,
     * and the stream gets its snapshot, who among the people sharing `rooms` (the user's, with
     * the membersVersion the stream read) with the user is online or away, at most `max`.
     * Everyone else is offline; `of` tells when they were last seen. The members come from
     * memberSets, so a reconnect storm into a large room reads them about once, not per device,
     * and the snapshot itself is made once per user while presence does not move (frozen and
     * shared: PresenceSnapshots).
     * From then on the stream hears exactly the changes the snapshot does not show.
     */
    async attach(
      auth: Authenticated,
      stream: StreamHandle,
      rooms: readonly VersionedRoom[],
      max: number,
    ): Promise<readonly PresenceState[]> {
      const device = deviceOf(auth);
      device.streams.add(stream);
      device.lastHeartbeat = now();
      awaitingSnapshot.add(stream);
      report(auth.user.id);
      try {
        const userId = auth.user.id;
        const sets = await memberSets.setsOf(userId, rooms);
        const users = snapshots.of(
          userId,
          view.version,
          max,
          rooms.map(({ id }) => sets.get(id)),
          () => present(peersIn(userId, rooms, sets), max),
        );
        // Read in the same turn as this link is queued: the tellings ahead of it are of changes
        // the snapshot shows, those behind it of changes it does not.
        telling = telling.then(() => {
          awaitingSnapshot.delete(stream);
        });
        return users;
      } catch (error) {
        awaitingSnapshot.delete(stream);
        throw error;
      }
    },

    /**
     * A stream of the device ended. (A device entry lives while it has streams, so the lookup
     * finds the entry `attach` used.)
     */
    detach(auth: Authenticated, stream: StreamHandle): void {
      const device = devices.get(auth.session.id);
      if (!device?.streams.delete(stream)) return;
      awaitingSnapshot.delete(stream);
      forget(auth.session.id, device);
      report(auth.user.id);
    },

    /** An SSE device says it is still there (reaching its node, see forwardedToItsNode). */
    heartbeat(auth: Authenticated): void {
      if (!forwardedToItsNode(auth, {})) touch(auth.session.id);
    },

    /** The device went active or idle (hidden, no input); reaches its node as `heartbeat` does. */
    setActive(auth: Authenticated, active: boolean): void {
      if (forwardedToItsNode(auth, { active })) return;
      const device = deviceOf(auth);
      device.active = active;
      device.lastHeartbeat = now();
      forget(auth.session.id, device);
      report(auth.user.id);
    },

    /** On the node that holds the device's stream: its heartbeat or activity, from any node. */
    touched(auth: Authenticated, active: boolean | undefined): void {
      touch(auth.session.id);
      const device = devices.get(auth.session.id);
      if (!device || active === undefined || device.active === active) return;
      device.active = active;
      report(auth.user.id);
    },

    /** Whether any device of the user, on any node, has a live stream (offline notifications). */
    isConnected(userId: string): boolean {
      return view.statusOf(userId) !== 'offline';
    },

    /** The presence of these users, with last-seen times from the store for those long gone. */
    async of(userIds: readonly string[]): Promise<PresenceState[]> {
      const unknown = userIds.filter(
        (id) => view.statusOf(id) === 'offline' && view.lastSeenOf(id) === undefined,
      );
      const seen = await store.lastSeenOf(unknown);
      return userIds.map((id) => stateOf(id, seen.get(id)));
    },

    /** Stops this node's part; the directory is closed by whoever made it. */
    close(): void {
      closed = true;
      clearInterval(sweep);
      snapshots.close();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      if (directory.shared) bus.unsubscribe('presence', onPresence);
    },
  };
}
export type Presence = ReturnType<typeof createPresence>;
