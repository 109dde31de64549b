import { LIMITS, type StreamEvent } from '@confab/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { signUp, startServer, type TestServer } from '../__tests__/server.js';
import { refusal } from '../notify/__tests__/fixtures.js';

type User = Awaited<ReturnType<typeof signUp>>;

/** Resolves with the first `profile` event of a device's stream, once the stream is live. */
function nextProfileEvent(user: User) {
  let live: () => void = () => {};
  const isLive = new Promise<void>((resolve) => {
    live = resolve;
  });
  const event = new Promise<StreamEvent>((resolve, reject) => {
    const subscription = user.api.events.onEvent.subscribe(
      { cursors: {} },
      {
        onData: (tracked) => {
          const data = (tracked as { data: StreamEvent }).data;
          if (data.type === 'sync') live();
          if (data.type !== 'profile') return;
          subscription.unsubscribe();
          resolve(data);
        },
        onError: reject,
      },
    );
  });
  return { isLive, event };
}

describe('account.updateProfile', () => {
  let db: TestDatabase;
  let server: TestServer;
  let ann: User;
  let ben: User;
  let roomId: string;
  beforeAll(async () => {
    db = sqliteDatabase();
    server = await startServer(db.url);
    ann = await signUp(server.url, 'ann');
    ben = await signUp(server.url, 'ben');
    roomId = (await ann.api.room.create.mutate({ kind: 'private', name: 'names' })).id;
    await ann.api.room.invite.mutate({ roomId, username: ben.username });
  });
  afterAll(async () => {
    ann?.close();
    ben?.close();
    await server?.close();
    await db?.drop();
  });

  it('changes the display name (trimmed) everywhere, and tells the room’s members live', async () => {
    const heard = nextProfileEvent(ben);
    await heard.isLive;
    const { user } = await ann.api.account.updateProfile.mutate({ displayName: '  Ann Bee \n' });
    expect(user).toEqual({ ...ann.user, displayName: 'Ann Bee' });
    expect(await heard.event).toEqual({ type: 'profile', user });
    expect((await ann.api.auth.me.query()).user.displayName).toBe('Ann Bee');
    const members = await ben.api.room.members.query({ roomId });
    expect(members.find((m) => m.userId === ann.user.id)?.displayName).toBe('Ann Bee');
  });

  it('refuses an empty, over-long or multi-line name with VALIDATION and changes nothing', async () => {
    const before = (await ann.api.auth.me.query()).user;
    for (const displayName of ['   ', 'x'.repeat(LIMITS.displayNameMaxChars + 1), 'Ann\nBee']) {
      expect((await refusal(ann.api.account.updateProfile.mutate({ displayName }))).appCode).toBe(
        'VALIDATION',
      );
    }
    expect((await ann.api.auth.me.query()).user).toEqual(before);
  });
});
