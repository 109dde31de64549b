import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../__tests__/databases.js';
import { createStoreUser, openStore, testClock } from '../../__tests__/store.js';
import type { Store } from '../../ports/store.js';

// The file store on every engine: chunks come back in order and byte for byte, an upload is its
// uploader's until a send claims it, and unsent uploads past their time are swept with their
// bytes while sent ones stay (docs/files.md).
describe.each(ENGINES)('the file store on $name', ({ create }) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    ({ db, store } = await openStore(create));
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  const { tick, nextId } = testClock();

  async function setup() {
    const users = [];
    for (const name of ['alice', 'bob', 'carol'])
      users.push(await createStoreUser(store, { tick, nextId }, name));
    const [alice = '', bob = '', carol = ''] = users;
    const { room } = await store.createRoom(
      { id: nextId('r'), kind: 'private', name: 'room', topic: '', createdAt: tick() },
      [
        { userId: alice, role: 'owner' },
        { userId: bob, role: 'member' },
      ],
    );
    return { alice, bob, carol, roomId: room.id };
  }

  async function uploaded(roomId: string, uploaderId: string, parts: Uint8Array[], at = tick()) {
    const id = nextId('f');
    expect(
      await store.beginUpload({ id, roomId, uploaderId, name: 'f.bin', type: 'text/plain', at }, 5),
    ).toBe('started');
    for (const [i, part] of parts.entries()) await store.appendFileChunk(id, i, part);
    const size = parts.reduce((n, p) => n + p.byteLength, 0);
    return store.finishUpload(id, size, undefined);
  }

  it('gives the chunks back in order, byte for byte, to its uploader only until it is sent', async () => {
    const { alice, bob, carol, roomId } = await setup();
    const parts = [Buffer.from([0, 1, 2, 255]), Buffer.alloc(1000, 9), Buffer.from('end')];
    const file = await uploaded(roomId, alice, parts);
    expect(file).toEqual({ id: file.id, name: 'f.bin', size: 1007, type: 'text/plain' });
    const stored = await store.fileFor(file.id, alice);
    expect(stored).toMatchObject({ roomId, uploaderId: alice, messageId: undefined, chunks: 3 });
    for (const [i, part] of parts.entries())
      expect(Buffer.from((await store.readFileChunk(file.id, i)) ?? []).equals(part)).toBe(true);
    expect(await store.fileFor(file.id, bob)).toBeUndefined();

    const sent = await store.appendMessage({
      id: nextId('m'),
      roomId,
      authorId: alice,
      clientMsgId: nextId('c'),
      body: '',
      at: tick(),
      attachments: [file.id],
    });
    expect(sent.status === 'created' && sent.message.attachments).toEqual([file]);
    expect((await store.fileFor(file.id, bob))?.messageId).toBe(
      sent.status === 'created' ? sent.message.id : 'sent',
    );
    // Carol is not in the room.
    expect(await store.fileFor(file.id, carol)).toBeUndefined();
  });

  it('refuses an upload by a non-member and past the pending limit, writing nothing', async () => {
    const { alice, carol, roomId } = await setup();
    const upload = (uploaderId: string) =>
      store.beginUpload(
        { id: nextId('f'), roomId, uploaderId, name: 'x', type: 'text/plain', at: tick() },
        2,
      );
    expect(await upload(carol)).toBe('not-member');
    expect([await upload(alice), await upload(alice), await upload(alice)]).toEqual([
      'started',
      'started',
      'too-many-pending',
    ]);
  });

  it('sweeps unsent uploads started before the cutoff, bytes and all, and keeps sent and newer ones', async () => {
    const { alice, roomId } = await setup();
    const old = await uploaded(roomId, alice, [Buffer.from('old')], 1_000);
    const oldSent = await uploaded(roomId, alice, [Buffer.from('kept')], 1_000);
    await store.appendMessage({
      id: nextId('m'),
      roomId,
      authorId: alice,
      clientMsgId: nextId('c'),
      body: 'x',
      at: tick(),
      attachments: [oldSent.id],
    });
    const fresh = await uploaded(roomId, alice, [Buffer.from('new')]);
    expect(await store.deleteStaleUploads(2_000)).toBe(1);
    expect(await store.fileFor(old.id, alice)).toBeUndefined();
    expect(await store.readFileChunk(old.id, 0)).toBeUndefined();
    expect((await store.fileFor(oldSent.id, alice))?.id).toBe(oldSent.id);
    expect((await store.fileFor(fresh.id, alice))?.id).toBe(fresh.id);
  });
});
