import { LIMITS, type StreamEvent } from '@confab/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../__tests__/databases.js';
import { connect, signUp, startServer, type TestServer } from '../__tests__/server.js';
import { newTimeOrderedId } from './crypto.js';
import { createPolling } from './poll.js';

const BACKLOG = 5_000;
/**
 * What a poll session may hold: its last answer (kept until acknowledged) and one answer's worth
 * of backfill, plus live events, which backfill's page does not bound (they are bounded by
 * maxPollBufferedEvents). In one full run an idle session of an earlier test held 1,002 here:
 * two events over the two answers, which ones not found. Never the backlog.
 */
const MOST_HELD = 2 * LIMITS.pollMaxEvents + 10;

const seqsOf = (events: StreamEvent[], roomId: string) =>
  events.flatMap((e) => ('seq' in e && e.roomId === roomId ? [e.seq] : []));

// Finding 5: long polls without a pollId each made a 30 s session that backfilled up to 10,000
// events; a few hundred of them exhausted the heap.
describe.each(ENGINES)('long-poll sessions on $name', ({ create }) => {
  let db: TestDatabase;
  let server: TestServer;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let roomId: string;

  beforeAll(async () => {
    db = await create();
    server = await startServer(db.url);
    owner = await signUp(server.url, 'poller');
    ({ id: roomId } = await owner.api.room.create.mutate({ kind: 'public', name: 'busy' }));
    // A backlog written straight to the store (the send path's rate limit is not under test):
    // seq 1 is the owner's join, 2..5001 the messages.
    const { store } = server.server.services;
    for (let i = 0; i < BACKLOG; i += 250) {
      await Promise.all(
        Array.from({ length: 250 }, (_, j) =>
          store.appendMessage({
            id: newTimeOrderedId(Date.now()),
            roomId,
            authorId: owner.user.id,
            clientMsgId: `m${i + j}`,
            body: `message ${i + j} ${'x'.repeat(100)}`,
            at: Date.now(),
          }),
        ),
      );
    }
  }, 120_000);
  afterAll(async () => {
    owner?.close();
    await server?.close();
    await db?.drop();
  });

  it('300 polls without a pollId from one device leave at most 4 poll sessions (its tabs)', async () => {
    const polling = server.server.services.polling;
    const pollIds = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const answer = await owner.api.events.poll.query({ cursors: {}, waitMs: 0 });
      pollIds.add(answer.pollId);
    }
    expect(pollIds.size).toBe(300);
    expect(polling.stats(owner.user.id).sessions).toBe(4);
  });

  it('two tabs of one device (one sign-in) each keep their own poll session', async () => {
    // Its own room: the other tests count the busy room's seqs.
    const tabs = await signUp(server.url, 'tabs');
    const room = await tabs.api.room.create.mutate({ kind: 'private', name: 'tabs' });
    let a = await tabs.api.events.poll.query({ waitMs: 0 });
    let b = await tabs.api.events.poll.query({ waitMs: 0 });
    await tabs.api.message.send.mutate({ roomId: room.id, clientMsgId: 'to-tabs', body: 'both' });
    // Each tab goes on polling its own session; neither replaces the other, both get the message.
    const bodies = { a: [] as string[], b: [] as string[] };
    for (let i = 0; i < 5; i++) {
      const nextA = await tabs.api.events.poll.query({ pollId: a.pollId, waitMs: 0 });
      const nextB = await tabs.api.events.poll.query({ pollId: b.pollId, waitMs: 0 });
      expect(nextA.pollId.split('.')[0]).toBe(a.pollId.split('.')[0]);
      expect(nextB.pollId.split('.')[0]).toBe(b.pollId.split('.')[0]);
      for (const [tab, answer] of [
        ['a', nextA],
        ['b', nextB],
      ] as const)
        for (const e of answer.events)
          if (e.type === 'message.created') bodies[tab].push(e.message.body);
      [a, b] = [nextA, nextB];
    }
    expect(bodies).toEqual({ a: ['both'], b: ['both'] });
    tabs.close();
  });

  it('200 polls from the start of a 5,000-event backlog hold at most two answers of events', async () => {
    const polling = server.server.services.polling;
    for (let i = 0; i < 200; i++) {
      const answer = await owner.api.events.poll.query({
        cursors: { [roomId]: 0 },
        resume: true,
        waitMs: 0,
      });
      // A new session each time, from seq 1: at most one answer's worth (on PostgreSQL the
      // wait of 0 may end after the first backfill page).
      expect(seqsOf(answer.events, roomId)[0]).toBe(1);
      expect(answer.events.length).toBeLessThanOrEqual(LIMITS.pollMaxEvents);
      // At most the device's 4 sessions; each holds its last answer (kept until acknowledged)
      // plus what backfill read since, never the backlog.
      const stats = polling.stats(owner.user.id);
      expect(stats.sessions).toBeLessThanOrEqual(4);
      expect(stats.mostHeldBySession).toBeLessThanOrEqual(MOST_HELD);
    }
  });

  it('pages the backlog to a device that polls with its pollId: seqs 1..5001 once, in order', async () => {
    const received: StreamEvent[] = [];
    let pollId: string | undefined;
    for (let i = 0; i < 100 && !received.some((e) => e.type === 'sync'); i++) {
      const answer = await owner.api.events.poll.query({
        cursors: { [roomId]: 0 },
        resume: true,
        waitMs: 0,
        ...(pollId ? { pollId } : {}),
      });
      pollId = answer.pollId;
      received.push(...answer.events);
      expect(server.server.services.polling.stats().mostHeldBySession).toBeLessThanOrEqual(
        MOST_HELD,
      );
    }
    expect(seqsOf(received, roomId)).toEqual(Array.from({ length: BACKLOG + 1 }, (_, i) => i + 1));
    expect(received.find((e) => e.type === 'sync')).toEqual({
      type: 'sync',
      cursors: { [roomId]: BACKLOG + 1 },
    });
  });

  it('gives a lost answer again to the next poll that names the pollId before it', async () => {
    const reader = await signUp(server.url, 'reader');
    await reader.api.room.join.mutate({ roomId });
    const first = await reader.api.events.poll.query({ waitMs: 0 });
    const cursors = first.events.find((e) => e.type === 'sync')?.cursors ?? {};
    const head = cursors[roomId] ?? 0;
    for (const body of ['one', 'two', 'three']) {
      await owner.api.message.send.mutate({ roomId, clientMsgId: `lost-${body}`, body });
    }
    // The answer is lost on the way (the client never sees it)...
    const lost = await reader.api.events.poll.query({ pollId: first.pollId, cursors, waitMs: 0 });
    expect(seqsOf(lost.events, roomId)).toEqual([head + 1, head + 2, head + 3]);
    // ...so the device polls as it did before, with the same pollId and cursors: the same
    // answer comes again, under the same pollId.
    const again = await reader.api.events.poll.query({ pollId: first.pollId, cursors, waitMs: 0 });
    expect(again).toEqual(lost);
    // Passing the new pollId acknowledges it: those events are not given a third time.
    const next = await reader.api.events.poll.query({ pollId: again.pollId, cursors, waitMs: 0 });
    expect(seqsOf(next.events, roomId)).toEqual([]);
    expect(next.pollId.split('.')[0]).toBe(first.pollId.split('.')[0]);
    reader.close();
  });

  it('caps one user at 8 poll sessions, closing the least recently polled', async () => {
    const polling = server.server.services.polling;
    const user = await signUp(server.url, 'many');
    const devices = [user];
    for (let i = 1; i < 10; i++) {
      const { token } = await user.api.auth.login.mutate({
        username: user.username,
        password: 'correct horse battery',
      });
      devices.push({ ...user, ...connect(server.url, token), token });
    }
    const before = polling.stats().sessions;
    const pollIds: string[] = [];
    for (const device of devices) {
      pollIds.push((await device.api.events.poll.query({ waitMs: 0 })).pollId);
    }
    expect(polling.stats().sessions - before).toBe(8);
    // The first two devices' sessions were closed: their pollIds start new sessions; the last
    // device's session is still there (its pollId continues it).
    const [first, , , , , , , , , last] = devices;
    const again = await first?.api.events.poll.query({ waitMs: 0, pollId: pollIds[0] });
    expect(again?.pollId.split('.')[0]).not.toBe(pollIds[0]?.split('.')[0]);
    const continued = await last?.api.events.poll.query({ waitMs: 0, pollId: pollIds[9] });
    expect(continued?.pollId.split('.')[0]).toBe(pollIds[9]?.split('.')[0]);
    expect(polling.stats().sessions - before).toBe(8);
    for (const device of devices) device.close();
  });

  it('ends a session whose waiting events pass the byte bound, and the device resumes without loss', async () => {
    const { services } = server.server;
    // A second polling service over the same store and bus, with a small byte bound.
    const polling = createPolling({ ...services, maxPollBufferedBytes: 64 * 1024 });
    try {
      const auth = await services.accounts.authenticate(owner.token);
      const poll = (input: { pollId?: string; cursors: Record<string, number>; resume: boolean }) =>
        polling.poll(auth, { ...input, waitMs: 0 }, undefined);
      const first = await poll({ cursors: {}, resume: false });
      expect(first.events[0]?.type).toBe('sync');
      const head = (await services.store.roomSeqsOf(owner.user.id))[0]?.lastSeq ?? 0;
      // Nobody polls while 200 messages of ~560 bytes of JSON arrive live: 110 KB > 64 KiB.
      for (let i = 0; i < 200; i++) {
        const result = await services.store.appendMessage({
          id: newTimeOrderedId(Date.now()),
          roomId,
          authorId: owner.user.id,
          clientMsgId: `live${i}`,
          body: `live ${i} ${'y'.repeat(400)}`,
          at: Date.now(),
        });
        if (result.status === 'created')
          await services.bus.publish(`room:${roomId}`, { kind: 'room', event: result.event });
      }
      const last = await poll({ pollId: first.pollId, cursors: {}, resume: false });
      // What waited up to the bound is answered, then the session is gone (slow consumer).
      const delivered = seqsOf(last.events, roomId);
      expect(delivered.length).toBeGreaterThan(50);
      expect(delivered.length).toBeLessThan(200);
      expect(polling.stats().sessions).toBe(0);
      // The device resumes from its cursors and gets the rest, contiguous, in small answers.
      let cursor = delivered.at(-1) ?? 0;
      let pollId: string | undefined;
      const rest: StreamEvent[] = [];
      for (let i = 0; i < 50 && !rest.some((e) => e.type === 'sync'); i++) {
        const answer = await poll({
          cursors: { [roomId]: cursor },
          resume: true,
          ...(pollId ? { pollId } : {}),
        });
        pollId = answer.pollId;
        rest.push(...answer.events);
        cursor = seqsOf(rest, roomId).at(-1) ?? cursor;
        expect(polling.stats().heldEvents).toBeLessThanOrEqual(2 * LIMITS.pollMaxEvents);
      }
      expect([...delivered, ...seqsOf(rest, roomId)]).toEqual(
        Array.from({ length: 200 }, (_, i) => head + 1 + i),
      );
    } finally {
      polling.close();
    }
  }, 60_000);
});
