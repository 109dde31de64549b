import { randomBytes } from 'node:crypto';
import type { Message, RoomEvent } from '@confab/contracts';
import { afterAll, beforeAll } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { connect, signUp, startServer, type TestServer } from '../__tests__/server.js';
import { watchServerErrors } from './oracles.js';

/** signUp's password (see __tests__/server.ts): the fuzzer's, and one its inputs try. */
/**
 * The fuzzer's own password, kept out of the fuzzed values (inputs.ts): a fuzzed
 * `account.delete` with it would delete the fuzzer, and with it the identity the run goes on
 * with. Its refusals are what the property explores; deletion itself is tested on its own
 * (routers/account.integration.test.ts).
 */
const PASSWORD = 'fuzzer-only staple battery horse';

/**
 * A seeded user, with a password the fuzzer cannot know (signUp gives everyone the same one,
 * and the fuzzer's inputs try it: a login as alice would be allowed, and change her sessions).
 */
async function seededUser(url: string, name: string) {
  const username = `${name}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const anonymous = connect(url);
  const auth = await anonymous.api.auth.register.mutate({
    username,
    displayName: name,
    password: randomBytes(24).toString('base64url'),
  });
  anonymous.close();
  return { ...connect(url, auth.token), user: auth.user, username };
}

/** What the fuzzer may aim at: ids of things it must not be able to touch, and its own. */
export interface Targets {
  roomIds: string[];
  userIds: string[];
  usernames: string[];
  messageIds: string[];
  sessionIds: string[];
  /** The seeded public room: the fuzzer may join it and post there, nothing more. */
  lobbyId: string;
}

export interface FuzzFixture {
  url: string;
  server: TestServer;
  targets: Targets;
  /** The third user, member of no seeded room (a bearer token good for the whole run). */
  fuzzer: { id: string; token: string; username: string; ownRoomId: string };
  /** The seeded state now, with what the fuzzer was allowed to add cut off (see observe). */
  observe(): Promise<Observed>;
  /**
   * Signs the fuzzer in again when a fuzzed call ended its session (auth.logout is a procedure
   * like any other): without it every later run would only test UNAUTHENTICATED.
   */
  renewFuzzerSession(): Promise<void>;
  /** The seeded state right after seeding. */
  baseline: Observed;
  /** Lines the server's last line of defence (report.ts) wrote since the fixture started. */
  serverErrors: string[];
  close(): Promise<void>;
}

interface Observed {
  state: unknown;
  /** Changes in the lobby's log the fuzzer was not allowed to make. */
  violations: RoomEvent[];
}

/**
 * A real server over a fresh SQLite file, with a known history: alice and bob, a public lobby,
 * a private room and their direct room, ~20 messages, one edited and one deleted, read markers.
 * The fuzzer is a third user who shares none of these rooms (it owns one of its own).
 */
export async function startFuzzFixture(): Promise<FuzzFixture> {
  const db: TestDatabase = sqliteDatabase();
  const server = await startServer(db.url);
  const serverErrors = watchServerErrors();
  const { url } = server;
  const alice = await seededUser(url, 'alice');
  const bob = await seededUser(url, 'bob');
  const lobby = await alice.api.room.create.mutate({ kind: 'public', name: 'lobby', topic: 'hi' });
  const secret = await alice.api.room.create.mutate({ kind: 'private', name: 'secret' });
  await bob.api.room.join.mutate({ roomId: lobby.id });
  await alice.api.room.invite.mutate({ roomId: secret.id, username: bob.username });
  const direct = await alice.api.room.openDirect.mutate({ username: bob.username });
  const messageIds: string[] = [];
  const rooms = [lobby.id, secret.id, direct.id];
  for (let i = 0; i < 20; i += 1) {
    const author = i % 2 === 0 ? alice : bob;
    const roomId = rooms[i % 3] as string;
    const sent = await author.api.message.send.mutate({
      roomId,
      clientMsgId: `seed-${i}`,
      body: `seed message ${i} \u202e bidi`,
    });
    messageIds.push(sent.id);
  }
  await alice.api.message.edit.mutate({
    roomId: lobby.id,
    messageId: messageIds[0] as string,
    body: 'edited',
  });
  await bob.api.message.delete.mutate({ roomId: secret.id, messageId: messageIds[7] as string });
  await bob.api.message.markRead.mutate({ roomId: lobby.id, seq: 3 });
  const aliceSessions = await alice.api.auth.sessions.query();
  const bobSessions = await bob.api.auth.sessions.query();
  alice.close();
  bob.close();

  const fuzzerClient = await signUp(url, 'fuzzer', PASSWORD);
  const own = await fuzzerClient.api.room.create.mutate({ kind: 'public', name: 'mine' });
  await fuzzerClient.api.message.send.mutate({ roomId: own.id, clientMsgId: 'f1', body: 'x' });
  fuzzerClient.close();

  const store = server.server.services.store;
  const seededUsers = [alice.user.id, bob.user.id];
  const fuzzerId = fuzzerClient.user.id;
  const seededIds = new Set(messageIds);
  const lastSeqs = new Map<string, number>();
  for (const id of rooms) lastSeqs.set(id, (await store.roomById(id))?.lastSeq ?? 0);

  /**
   * Everything about the seeded users and rooms. The lobby is public, so the fuzzer may join,
   * post, read and leave there: its log may grow by events the fuzzer made about itself (they
   * are cut off and checked), and its record's lastSeq with them. Session `lastSeenAt` is left
   * out: it is a clock, not history, and seeding's own touches may land late.
   */
  async function observe(): Promise<Observed> {
    const violations: RoomEvent[] = [];
    const roomStates = [];
    for (const id of rooms) {
      const seeded = lastSeqs.get(id) ?? 0;
      const { events } = await store.eventsAfter(id, 0, 10_000);
      const tail = events.filter((e) => e.seq > seeded);
      if (id !== lobby.id) violations.push(...tail);
      else violations.push(...tail.filter((e) => !fuzzerMadeAboutItself(e, fuzzerId, seededIds)));
      const room = await store.roomById(id);
      const members = await store.members(id);
      const receipts = await store.receipts(id);
      const history = await store.history(id, { limit: 100 });
      roomStates.push({
        room: room && { ...room, lastSeq: Math.min(room.lastSeq, seeded), lastActivityAt: 0 },
        events: events.filter((e) => e.seq <= seeded),
        members: members.filter((m) => m.userId !== fuzzerId),
        receipts: receipts.filter((r) => r.userId !== fuzzerId),
        history: history.messages
          .filter((m) => m.seq <= seeded)
          .map((m) => (id === lobby.id ? withoutFuzzersMarks(m, fuzzerId) : m)),
        memberships: await Promise.all(seededUsers.map((u) => store.membership(id, u))),
      });
    }
    const users = [];
    for (const id of seededUsers) {
      const sessions = await store.sessionsOf(id);
      users.push({
        user: await store.userById(id),
        settings: await store.settingsOf(id),
        muted: await store.mutedRoomsOf(id),
        sessions: sessions.map(({ lastSeenAt: _, ...rest }) => rest),
        roomIds: (await store.roomIdsOf(id)).filter((r) => rooms.includes(r)).sort(),
      });
    }
    return { state: { rooms: roomStates, users }, violations };
  }

  const fuzzer = {
    id: fuzzerId,
    token: fuzzerClient.token,
    username: fuzzerClient.username,
    ownRoomId: own.id,
  };
  const { accounts } = server.server.services;
  async function renewFuzzerSession() {
    const alive = await accounts.authenticate(fuzzer.token).then(
      () => true,
      () => false,
    );
    if (alive) return;
    const login = await accounts.login({ username: fuzzer.username, password: PASSWORD });
    fuzzer.token = login.token;
  }

  return {
    url,
    server,
    targets: {
      roomIds: rooms,
      userIds: seededUsers,
      usernames: [alice.username, bob.username],
      messageIds,
      sessionIds: [...aliceSessions, ...bobSessions].map((s) => s.id),
      lobbyId: lobby.id,
    },
    fuzzer,
    renewFuzzerSession,
    observe,
    baseline: await observe(),
    serverErrors: serverErrors.lines,
    async close() {
      serverErrors.stop();
      await server.close();
      await db.drop();
    },
  };
}

/** A lobby event the fuzzer may cause: its own join, leave, messages, edits and deletes. */
function fuzzerMadeAboutItself(
  event: RoomEvent,
  fuzzerId: string,
  seededMessageIds: ReadonlySet<string>,
): boolean {
  if (event.actorId !== fuzzerId) return false;
  switch (event.type) {
    case 'member.joined':
    case 'member.left':
      return event.userId === fuzzerId;
    case 'message.created':
      return event.message.authorId === fuzzerId;
    // Of its own messages only: an edit or delete of a seeded one is exactly what must fail.
    case 'message.edited':
    case 'message.deleted':
      return !seededMessageIds.has(event.messageId);
    // Any lobby member may react to and pin any lobby message.
    case 'reaction.added':
    case 'reaction.removed':
    case 'message.pinned':
    case 'message.unpinned':
      return true;
    default:
      return false;
  }
}

/**
 * A lobby message as seeded: without the reactions and the pin the fuzzer may add to it, nor the
 * thread summary its thread replies make (only the fuzzer writes during a run, so a summary it
 * moved names it as the last to reply).
 */
function withoutFuzzersMarks(message: Message, fuzzerId: string): Message {
  const { reactions, pinned, thread, ...rest } = message;
  const kept = (reactions ?? [])
    .map((r) => ({ ...r, userIds: r.userIds.filter((u) => u !== fuzzerId) }))
    .filter((r) => r.userIds.length > 0);
  return {
    ...rest,
    ...(kept.length > 0 ? { reactions: kept } : {}),
    ...(pinned && pinned.by !== fuzzerId ? { pinned } : {}),
    ...(thread && thread.lastReplyAuthorId !== fuzzerId ? { thread } : {}),
  };
}

/**
 * The fixture of one describe block: started before its tests, closed after them. The object
 * is filled in by beforeAll, so tests read it as they run.
 */
export function useFuzzFixture(): FuzzFixture {
  const fx = {} as FuzzFixture;
  beforeAll(async () => {
    Object.assign(fx, await startFuzzFixture());
  }, 60_000);
  afterAll(async () => {
    await fx.close?.();
  });
  return fx;
}
