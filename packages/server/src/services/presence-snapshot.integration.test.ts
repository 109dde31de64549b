import type { PresenceState } from '@confab/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../__tests__/databases.js';
import {
  connect,
  signUp,
  startServer,
  type TestClient,
  type TestServer,
} from '../__tests__/server.js';

/**
 * The presence snapshot a new stream gets names who shares a room with its user, from member
 * sets each node keeps (room-member-sets.ts). They must follow joins and leaves made on this
 * node or on another one: here two nodes share one database and nothing else (each has its own
 * in-process bus), so only the store's membersVersion can tell node A of a change made on B.
 */
describe.each(ENGINES)('presence snapshots follow room membership on $name', ({ create }) => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  const clients: TestClient[] = [];
  const streams: { unsubscribe(): void }[] = [];

  beforeAll(async () => {
    db = await create();
    a = await startServer(db.url);
    b = await startServer(db.url);
  });
  afterAll(async () => {
    for (const stream of streams) stream.unsubscribe();
    for (const client of clients) client.close();
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  /** Opens a device's stream on `node` and resolves with its snapshot (online users by id). */
  function snapshotOf(node: TestServer, token: string): Promise<Map<string, string>> {
    const client = connect(node.url, token);
    clients.push(client);
    return new Promise((resolve, reject) => {
      streams.push(
        client.api.events.onEvent.subscribe(
          { cursors: {}, resume: false },
          {
            onData: ({ data }) => {
              if (data.type !== 'presence.snapshot') return;
              resolve(new Map(data.users.map((u: PresenceState) => [u.userId, u.status])));
            },
            onError: reject,
          },
        ),
      );
    });
  }

  it('lists a member who joined since, on the same node or another, and drops one who left', async () => {
    const alice = await signUp(a.url, 'alice');
    const bob = await signUp(a.url, 'bob');
    const carol = await signUp(a.url, 'carol');
    const dave = await signUp(a.url, 'dave');
    clients.push(alice, bob, carol, dave);
    const room = await alice.api.room.create.mutate({ kind: 'public', name: 'snap' });
    await bob.api.room.join.mutate({ roomId: room.id });
    // Alice, carol and dave are online on node A (their presence is node A's to know).
    await snapshotOf(a, alice.token);
    await snapshotOf(a, carol.token);
    await snapshotOf(a, dave.token);

    // Bob's first stream on A reads the room's members; carol and dave are not among them.
    expect(await snapshotOf(a, bob.token)).toEqual(new Map([[alice.user.id, 'online']]));

    // Carol joins through node A, dave through node B: A's next snapshot for bob has both.
    await carol.api.room.join.mutate({ roomId: room.id });
    const daveOnB = connect(b.url, dave.token);
    clients.push(daveOnB);
    await daveOnB.api.room.join.mutate({ roomId: room.id });
    expect(await snapshotOf(a, bob.token)).toEqual(
      new Map([
        [alice.user.id, 'online'],
        [carol.user.id, 'online'],
        [dave.user.id, 'online'],
      ]),
    );

    // Carol leaves through node B: A stops listing her.
    const carolOnB = connect(b.url, carol.token);
    clients.push(carolOnB);
    await carolOnB.api.room.leave.mutate({ roomId: room.id });
    expect(await snapshotOf(a, bob.token)).toEqual(
      new Map([
        [alice.user.id, 'online'],
        [dave.user.id, 'online'],
      ]),
    );
    // And carol's own next stream on A no longer lists the room's members.
    expect(await snapshotOf(a, carol.token)).toEqual(new Map());
  });

  it("gives a user's devices the same people while presence holds, and a change made since", async () => {
    const ann = await signUp(a.url, 'ann');
    const ben = await signUp(a.url, 'ben');
    const eve = await signUp(a.url, 'eve');
    clients.push(ann, ben, eve);
    const room = await ann.api.room.create.mutate({ kind: 'public', name: 'devices' });
    await ben.api.room.join.mutate({ roomId: room.id });
    await eve.api.room.join.mutate({ roomId: room.id });
    await snapshotOf(a, ann.token);

    // Ben's devices one after the other, nobody's presence moving between: the same snapshot.
    const annOnline = new Map([[ann.user.id, 'online']]);
    expect(await snapshotOf(a, ben.token)).toEqual(annOnline);
    expect(await snapshotOf(a, ben.token)).toEqual(annOnline);

    // Eve comes online, then ann goes away: ben's next devices see each change.
    await snapshotOf(a, eve.token);
    expect(await snapshotOf(a, ben.token)).toEqual(
      new Map([
        [ann.user.id, 'online'],
        [eve.user.id, 'online'],
      ]),
    );
    await ann.api.presence.setActive.mutate({ active: false });
    expect(await snapshotOf(a, ben.token)).toEqual(
      new Map([
        [ann.user.id, 'away'],
        [eve.user.id, 'online'],
      ]),
    );
  });
});
