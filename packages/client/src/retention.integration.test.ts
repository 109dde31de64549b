import type { RoomEvent } from '@confab/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { record } from './__tests__/recorder.js';
import {
  device,
  register,
  setUp,
  type TestDatabaseFile,
  type TestServer,
  tearDown,
} from './__tests__/server.js';
import type { ChatClient, ChatEvent, Transport } from './client.js';
import { Sequencer } from './sequencer.js';

const TRANSPORTS: Transport[] = ['ws', 'sse', 'poll'];
const DAY = 24 * 60 * 60 * 1000;

const shape = (events: readonly ChatEvent[], roomId: string) =>
  events.flatMap((e) =>
    e.type === 'history.truncated' && e.roomId === roomId
      ? [`truncated<${e.beforeSeq}`]
      : e.type === 'message.created' && e.roomId === roomId
        ? [`${e.seq} ${e.message.body}`]
        : [],
  );

describe.each(TRANSPORTS)('history cut by retention over %s', (transport) => {
  let db: TestDatabaseFile;
  let server: TestServer;
  const clients: ChatClient[] = [];
  beforeEach(async () => {
    ({ db, server } = await setUp());
  });
  afterEach(() => tearDown({ clients, server, db }));

  it('a device resuming from before the cut is told history is gone, then gets what is kept, in order', async () => {
    const ann = await register(server.url, 'ann');
    const first = device(server.url, ann.token, { transport });
    clients.push(first);
    const seen = record(first);
    await seen.connected();
    const room = await first.api.room.create.mutate({ kind: 'private', name: 'kept a while' });
    await first.send({ roomId: room.id, body: 'live one' });
    await seen.until(() => seen.bodies(room.id).length === 1, 'the first message');
    const saved = first.cursors();
    expect(saved).toEqual({ [room.id]: 2 });
    first.close();

    // While the device is away: four messages at once (seqs 3..6), two more 39 and 40 days
    // later (7, 8); retention then, at 30 days after the first six, deletes everything up to
    // the last of them. (Times in order: retention never deletes a message younger than the
    // cut, even with an older one after it.)
    const { store } = server.chat.services;
    const now = Date.now();
    for (const [i, daysLater] of [0, 0, 0, 0, 39, 40].entries()) {
      const sent = await store.appendMessage({
        id: `m${i}${room.id}`.slice(0, 60),
        roomId: room.id,
        authorId: ann.userId,
        clientMsgId: `away-${i}`,
        body: `away ${i}`,
        at: now + i + daysLater * DAY,
      });
      expect(sent.status).toBe('created');
    }
    expect(
      await store.truncateRoomLog(room.id, { olderThan: now + 30 * DAY, maxRows: 100 }),
    ).toEqual({ events: 6, messages: 5, startSeq: 7, done: true });

    const back = device(server.url, ann.token, { transport, cursors: saved });
    clients.push(back);
    const resumed = record(back);
    await resumed.connected();
    await resumed.until(() => resumed.bodies(room.id).length === 2, 'the kept messages');
    expect(shape(resumed.events, room.id)).toEqual(['truncated<7', '7 away 4', '8 away 5']);
    expect(back.cursors()).toEqual({ [room.id]: 8 });
    // Live again: the next message follows with nothing in between.
    await back.send({ roomId: room.id, body: 'after' });
    await resumed.until(() => resumed.bodies(room.id).length === 3, 'the live message');
    expect(shape(resumed.events, room.id)).toEqual([
      'truncated<7',
      '7 away 4',
      '8 away 5',
      '9 after',
    ]);
  });
});

describe('Sequencer', () => {
  it('filling a gap from a log whose front was deleted says so instead of skipping silently', async () => {
    const log = (seq: number): RoomEvent => ({
      type: 'member.joined',
      roomId: 'r',
      seq,
      actorId: 'u',
      at: seq,
      userId: 'u',
      role: 'member',
      via: 'join',
    });
    const delivered: string[] = [];
    // The server's log now starts at seq 6 (1..5 deleted).
    const sequencer = new Sequencer(
      { r: 2 },
      async (_roomId, after) => ({
        events: [6, 7, 8, 9].filter((s) => s > after).map(log),
        hasMore: false,
      }),
      {
        deliver: (e) =>
          delivered.push(
            e.type === 'history.truncated'
              ? `truncated<${e.beforeSeq}`
              : `${'seq' in e ? e.seq : e.type}`,
          ),
        synced: () => {},
        left: () => {},
        failed: (error) => {
          throw error;
        },
      },
    );
    sequencer.push(log(8));
    // A late notice of an older cut is not news.
    sequencer.push({ type: 'history.truncated', roomId: 'r', beforeSeq: 4 });
    await sequencer.idle();
    expect(delivered).toEqual(['truncated<6', '6', '7', '8']);
    expect(sequencer.snapshot()).toEqual({ r: 8 });
  });
});
