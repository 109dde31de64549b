import type { PresenceState } from '@confab/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FaultyProxy } from './__tests__/proxy.js';
import { type Recorder, record } from './__tests__/recorder.js';
import {
  device,
  register,
  setUpWithProxy,
  type TestDatabaseFile,
  type TestServer,
  tearDown,
} from './__tests__/server.js';
import type { ChatClient } from './client.js';

/** The presence of `userId` as the recorder last heard it (snapshot or change). */
function lastPresence(seen: Recorder, userId: string): PresenceState | undefined {
  let state: PresenceState | undefined;
  for (const e of seen.events) {
    if (e.type === 'presence' && e.userId === userId)
      state = { userId, status: e.status, lastSeenAt: e.lastSeenAt };
    if (e.type === 'presence.snapshot') state = e.users.find((u) => u.userId === userId) ?? state;
  }
  return state;
}

describe('presence, typing and read receipts', () => {
  let db: TestDatabaseFile;
  let server: TestServer;
  let proxy: FaultyProxy;
  const clients: ChatClient[] = [];
  const open = (url: string, token: string, options: Parameters<typeof device>[2] = {}) => {
    const client = device(url, token, { transport: 'ws', ...options });
    clients.push(client);
    return { client, seen: record(client) };
  };

  beforeEach(async () => {
    // Quick server pings, so a vanished device is noticed within about a second.
    ({ db, server, proxy } = await setUpWithProxy({
      wsPingMs: 500,
      wsPongWaitMs: 500,
      heartbeatTtlMs: 1_500,
    }));
  });
  afterEach(() => tearDown({ clients, proxy, server, db }));

  /** Alice and Bob share a room; Bob watches. */
  async function pair() {
    const alice = await register(server.url, 'alice');
    const bob = await register(server.url, 'bob');
    const setup = device(server.url, alice.token, { autoConnect: false });
    clients.push(setup);
    const room = await setup.api.room.create.mutate({ kind: 'private', name: 'pair' });
    await setup.api.room.invite.mutate({ roomId: room.id, username: bob.username });
    const watcher = open(server.url, bob.token);
    // The snapshot follows the sync point that makes the client 'connected'.
    await watcher.seen.until(
      () => watcher.seen.events.some((e) => e.type === 'presence.snapshot'),
      'the snapshot',
    );
    return { alice, bob, room, watcher };
  }

  it('is online while any device is connected, offline with a last-seen time when none is', async () => {
    const { alice, watcher } = await pair();
    // Offline people are left out of the snapshot (it lists who is online or away).
    expect(lastPresence(watcher.seen, alice.userId)).toBeUndefined();
    const phone = open(server.url, alice.token);
    const laptop = open(server.url, alice.token);
    await watcher.seen.until(
      () => lastPresence(watcher.seen, alice.userId)?.status === 'online',
      'alice online',
    );

    phone.client.close();
    // Still online with one device left: the server says so, and no change was sent.
    const [state] = await watcher.client.api.presence.of.query({ userIds: [alice.userId] });
    expect(state).toEqual({ userId: alice.userId, status: 'online', lastSeenAt: null });
    const before = Date.now();
    laptop.client.close();
    await watcher.seen.until(
      () => lastPresence(watcher.seen, alice.userId)?.status === 'offline',
      'alice offline',
    );
    const changes = watcher.seen.events.filter(
      (e) => e.type === 'presence' && e.userId === alice.userId,
    );
    expect(changes.map((e) => e.type === 'presence' && e.status)).toEqual(['online', 'offline']);
    expect(lastPresence(watcher.seen, alice.userId)?.lastSeenAt).toBeGreaterThanOrEqual(before);
  });

  it('is away while every connected device is idle or hidden', async () => {
    const { alice, watcher } = await pair();
    const laptop = open(server.url, alice.token);
    await watcher.seen.until(
      () => lastPresence(watcher.seen, alice.userId)?.status === 'online',
      'online',
    );
    await laptop.client.setActive(false);
    await watcher.seen.until(
      () => lastPresence(watcher.seen, alice.userId)?.status === 'away',
      'away',
    );
    await laptop.client.setActive(true);
    await watcher.seen.until(
      () => lastPresence(watcher.seen, alice.userId)?.status === 'online',
      'online again',
    );
  });

  // On a stream (format 3) the server writes the snapshot as two lists of ids, as the SDK asks
  // (`snapshot: 'ids'`); the app gets PresenceStates, those online first. (Long polling is
  // format 1: the snapshot whole, in the order presence holds people.)
  it.each(['ws', 'sse'] as const)(
    'gives a device that connects, over %s, who is online and who is away',
    async (transport) => {
      const { alice, bob, room, watcher } = await pair();
      const carol = await register(server.url, 'carol');
      const setup = device(server.url, alice.token, { autoConnect: false });
      clients.push(setup);
      await setup.api.room.invite.mutate({ roomId: room.id, username: carol.username });
      const aliceDevice = open(server.url, alice.token);
      const carolDevice = open(server.url, carol.token);
      const statusOf = (userId: string) => lastPresence(watcher.seen, userId)?.status;
      await watcher.seen.until(
        () => statusOf(alice.userId) === 'online' && statusOf(carol.userId) === 'online',
        'alice and carol online',
      );
      await carolDevice.client.setActive(false);
      await watcher.seen.until(() => statusOf(carol.userId) === 'away', 'carol away');

      // The frames as they came, to see what the SDK asked for (over ws; SSE is the same input).
      const frames: string[] = [];
      class Recording extends WebSocket {
        constructor(...args: ConstructorParameters<typeof WebSocket>) {
          super(...args);
          this.on('message', (data) => frames.push(String(data)));
        }
      }
      const late = open(server.url, bob.token, { transport, WebSocket: Recording });
      await late.seen.until(
        () => late.seen.events.some((e) => e.type === 'presence.snapshot'),
        'the snapshot',
      );
      const snapshot = late.seen.events.find((e) => e.type === 'presence.snapshot');
      expect(snapshot).toEqual({
        type: 'presence.snapshot',
        users: [
          { userId: alice.userId, status: 'online', lastSeenAt: null },
          { userId: carol.userId, status: 'away', lastSeenAt: null },
        ],
      });
      if (transport === 'ws') {
        const wire = frames.find((f) => f.includes('"presence.snapshot"'));
        expect(JSON.parse(wire ?? '{}')).toMatchObject({
          result: {
            data: { type: 'presence.snapshot', online: [alice.userId], away: [carol.userId] },
          },
        });
      }
      for (const d of [aliceDevice, carolDevice, late]) d.client.close();
    },
  );

  it('turns a device that vanished without closing offline within the ping bound', async () => {
    const { alice, watcher } = await pair();
    const lost = open(proxy.url, alice.token);
    await watcher.seen.until(
      () => lastPresence(watcher.seen, alice.userId)?.status === 'online',
      'online',
    );
    const vanishedAt = Date.now();
    proxy.frozen = true; // no FIN, no RST: the network just stops
    await watcher.seen.until(
      () => lastPresence(watcher.seen, alice.userId)?.status === 'offline',
      'offline',
      10_000,
    );
    // Ping after 0.5 s of quiet, 0.5 s for the pong: gone well within 5 s.
    expect(Date.now() - vanishedAt).toBeLessThan(5_000);
    lost.client.close();
  });

  it('turns an SSE device whose heartbeats stopped offline within the heartbeat bound', async () => {
    const { alice, watcher } = await pair();
    const lost = open(proxy.url, alice.token, { transport: 'sse' });
    await watcher.seen.until(
      () => lastPresence(watcher.seen, alice.userId)?.status === 'online',
      'online',
    );
    const vanishedAt = Date.now();
    proxy.frozen = true;
    await watcher.seen.until(
      () => lastPresence(watcher.seen, alice.userId)?.status === 'offline',
      'offline',
      10_000,
    );
    // 1.5 s without a heartbeat, checked every 0.5 s.
    expect(Date.now() - vanishedAt).toBeLessThan(5_000);
    lost.client.close();
  });

  it("shows typing to the room's other members, not to the typist's own devices, for a few seconds", async () => {
    const { alice, room, watcher } = await pair();
    const typist = open(server.url, alice.token);
    const otherTab = open(server.url, alice.token);
    await Promise.all([typist.seen.connected(), otherTab.seen.connected()]);
    const before = Date.now();
    typist.client.typing(room.id);
    typist.client.typing(room.id); // throttled: one signal
    await watcher.seen.until(() => watcher.seen.events.some((e) => e.type === 'typing'), 'typing');
    const typing = watcher.seen.events.filter((e) => e.type === 'typing');
    expect(typing).toHaveLength(1);
    expect(typing[0]).toMatchObject({ type: 'typing', roomId: room.id, userId: alice.userId });
    const expiresAt = typing[0]?.type === 'typing' ? typing[0].expiresAt : 0;
    expect(expiresAt - before).toBeGreaterThanOrEqual(4_000);
    expect(expiresAt - before).toBeLessThanOrEqual(6_000);
    // A message afterwards reaches the other tab; it never saw its own user typing.
    await typist.client.send({ roomId: room.id, body: 'done typing' });
    await otherTab.seen.until(() => otherTab.seen.bodies(room.id).length === 1, 'the message');
    expect(otherTab.seen.events.some((e) => e.type === 'typing')).toBe(false);
  });

  it('shares read receipts live, unless the reader turned them off', async () => {
    const { alice, bob, room, watcher } = await pair();
    const reader = open(server.url, alice.token);
    await reader.seen.connected();
    const { seq } = await watcher.client.send({ roomId: room.id, body: 'read me' });
    await reader.client.api.message.markRead.mutate({ roomId: room.id, seq });
    await watcher.seen.until(
      () => watcher.seen.events.some((e) => e.type === 'receipt'),
      'the receipt',
    );
    expect(watcher.seen.events.filter((e) => e.type === 'receipt')).toEqual([
      { type: 'receipt', roomId: room.id, userId: alice.userId, lastReadSeq: seq },
    ]);
    expect(await watcher.client.api.room.receipts.query({ roomId: room.id })).toContainEqual({
      userId: alice.userId,
      lastReadSeq: seq,
    });

    // Alice turns receipts off: her marker still moves (her devices learn it), nobody else does.
    await reader.client.api.auth.updateSettings.mutate({ shareReadReceipts: false });
    const { seq: next } = await watcher.client.send({ roomId: room.id, body: 'and this' });
    await reader.client.api.message.markRead.mutate({ roomId: room.id, seq: next });
    await reader.seen.until(
      () => reader.seen.events.some((e) => e.type === 'read.updated' && e.lastReadSeq === next),
      'her marker',
    );
    const receipts = await watcher.client.api.room.receipts.query({ roomId: room.id });
    expect(receipts.map((r) => r.userId)).toEqual([bob.userId]);
    expect(watcher.seen.events.filter((e) => e.type === 'receipt')).toHaveLength(1);
  });
});
