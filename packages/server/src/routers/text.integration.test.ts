import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../__tests__/databases.js';
import { connect, signUp, startServer, type TestServer } from '../__tests__/server.js';
import type { AppRouter } from './root.js';

/** The refusal a call ended with: HTTP status, application code and message. */
async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCClientError)) {
    throw new Error(`expected a refusal, got ${error === undefined ? 'success' : String(error)}`);
  }
  const { data } = error as TRPCClientError<AppRouter>;
  return { httpStatus: data?.httpStatus, appCode: data?.appCode, message: error.message };
}

const validation = (message: string) => ({ httpStatus: 400, appCode: 'VALIDATION', message });

// Regression: a NUL in a body or a name was a 500 on PostgreSQL (its text types cannot hold
// U+0000) and stored on SQLite; a lone surrogate was acknowledged, then stored as U+FFFD. Both
// are now refused by the contracts, on both engines, before anything is stored.
describe.each(ENGINES)('text the databases cannot both store, on $name', (engine) => {
  let database: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    database = await engine.create();
    server = await startServer(database.url);
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('refuses a body with a NUL or a lone surrogate as VALIDATION, and stores nothing', async () => {
    const alice = await signUp(server.url, 'alice');
    const room = await alice.api.room.create.mutate({ kind: 'public', name: 'lobby' });
    await alice.api.message.send.mutate({ roomId: room.id, clientMsgId: 'c1', body: 'before' });

    expect(
      await refusal(
        alice.api.message.send.mutate({ roomId: room.id, clientMsgId: 'c2', body: 'a\u0000b' }),
      ),
    ).toEqual(validation('body: Message must not contain NUL characters'));
    expect(
      await refusal(
        alice.api.message.send.mutate({ roomId: room.id, clientMsgId: 'c3', body: 'half \uD83D' }),
      ),
    ).toEqual(validation('body: Message must be valid Unicode text (it has a lone surrogate)'));

    const history = await alice.api.message.history.query({ roomId: room.id });
    expect(history.messages.map((m) => [m.clientMsgId, m.body])).toEqual([['c1', 'before']]);
    expect((await alice.api.room.byId.query({ roomId: room.id })).lastSeq).toBe(2);
    alice.close();
  });

  it('refuses an edit to a body with a NUL, and the message keeps its text', async () => {
    const alice = await signUp(server.url, 'alice');
    const room = await alice.api.room.create.mutate({ kind: 'public', name: 'edits' });
    const sent = await alice.api.message.send.mutate({
      roomId: room.id,
      clientMsgId: 'e1',
      body: 'original',
    });
    expect(
      await refusal(
        alice.api.message.edit.mutate({ roomId: room.id, messageId: sent.id, body: 'x\u0000' }),
      ),
    ).toEqual(validation('body: Message must not contain NUL characters'));
    const history = await alice.api.message.history.query({ roomId: room.id });
    expect(history.messages.map((m) => [m.body, m.editedAt])).toEqual([['original', null]]);
    alice.close();
  });

  it('refuses a registration with a NUL in the display name, and creates no account', async () => {
    const anonymous = connect(server.url);
    const username = `nul_${process.pid}_${engine.name}`;
    expect(
      await refusal(
        anonymous.api.auth.register.mutate({
          username,
          displayName: 'Al\u0000ice',
          password: 'correct horse battery',
        }),
      ),
    ).toEqual(validation('displayName: Display name must not contain NUL characters'));
    expect(
      await refusal(
        anonymous.api.auth.login.mutate({ username, password: 'correct horse battery' }),
      ),
    ).toMatchObject({ appCode: 'INVALID_CREDENTIALS' });
    // The name is still free: the refused registration left nothing behind.
    const registered = await anonymous.api.auth.register.mutate({
      username,
      displayName: 'Alice',
      password: 'correct horse battery',
    });
    expect(registered.user.displayName).toBe('Alice');
    anonymous.close();
  });

  it('refuses a room whose name has a NUL, and creates no room', async () => {
    const alice = await signUp(server.url, 'alice');
    expect(
      await refusal(alice.api.room.create.mutate({ kind: 'private', name: 'se\u0000cret' })),
    ).toEqual(validation('name: Room name must not contain NUL characters'));
    const room = await alice.api.room.create.mutate({ kind: 'private', name: 'kept' });
    expect(
      await refusal(alice.api.room.update.mutate({ roomId: room.id, topic: 'to\u0000pic' })),
    ).toEqual(validation('topic: Topic must not contain NUL characters'));
    const mine = await alice.api.room.mine.query();
    expect(mine.map((s) => [s.room.name, s.room.topic])).toEqual([['kept', '']]);
    alice.close();
  });

  it('stores astral characters, newlines and tabs exactly as they were sent', async () => {
    const alice = await signUp(server.url, 'alice');
    const room = await alice.api.room.create.mutate({ kind: 'public', name: 'emoji 😀' });
    const body = 'grinning 😀, clef 𝄞,\n\tcoder 👩🏽‍💻, flag 🇫🇷';
    const sent = await alice.api.message.send.mutate({ roomId: room.id, clientMsgId: 'a1', body });
    const history = await alice.api.message.history.query({ roomId: room.id });
    expect(history.messages.map((m) => [m.id, m.body])).toEqual([[sent.id, body]]);
    expect((await alice.api.room.byId.query({ roomId: room.id })).name).toBe('emoji 😀');
    alice.close();
  });
});
