import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../__tests__/databases.js';
import { captureLogs } from '../__tests__/log-capture.js';
import { signUp } from '../__tests__/server.js';
import { createStoreFromUrl } from '../adapters/kysely/store.js';
import { createMemoryBus } from '../adapters/memory-bus.js';
import { type ChatServer, createChatServer } from '../http/server.js';
import type { Store } from '../ports/store.js';
import { unreachableRateRules } from '../services/abuse-limits.js';

describe('a group commit that fails', () => {
  let db: TestDatabase;
  let store: Store;
  let server: ChatServer;
  let url: string;
  const logs = captureLogs('info');
  beforeAll(async () => {
    db = sqliteDatabase();
    store = await createStoreFromUrl(db.url);
    server = createChatServer({
      store,
      bus: createMemoryBus(),
      config: { rateLimits: unreachableRateRules(), logger: logs.logger },
    });
    url = await server.listen(0);
  });
  afterAll(async () => {
    await server.close();
    await db.drop();
  });

  it('is logged once (with its cause) before its sends are retried one by one, each answered as alone', async () => {
    const alice = await signUp(url, 'alice');
    const room = await alice.api.room.create.mutate({ kind: 'private', name: 'batch' });
    const message = (roomId: string, n: number) => ({
      id: `batch-msg-${n}`,
      roomId,
      authorId: alice.user.id,
      clientMsgId: `batch-${n}`,
      body: `body ${n}`,
      at: Date.now(),
    });
    expect((await store.appendMessage(message(room.id, 1))).status).toBe('created');
    // In one turn of the event loop: one batch, whose second send reuses a stored message id
    // (as a bug might): the batch's insert fails and rolls back whole.
    const [good, bad] = await Promise.allSettled([
      store.appendMessage(message(room.id, 2)),
      store.appendMessage({ ...message(room.id, 3), id: 'batch-msg-1' }),
    ]);
    expect(good).toMatchObject({ status: 'fulfilled', value: { status: 'created' } });
    // Retried alone, it fails alone, with the same error; the good send is not held up by it.
    expect(bad).toMatchObject({
      status: 'rejected',
      reason: { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' },
    });

    const warnings = logs.lines().filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      msg: 'group commit failed; its sends are retried one by one',
      sends: 2,
      err: { type: 'SqliteError', code: 'SQLITE_CONSTRAINT_PRIMARYKEY' },
    });
    expect(String((warnings[0]?.err as { stack?: string } | undefined)?.stack)).toContain(
      'UNIQUE constraint failed',
    );
    expect(JSON.stringify(warnings)).not.toContain('body 3');
  });
});
