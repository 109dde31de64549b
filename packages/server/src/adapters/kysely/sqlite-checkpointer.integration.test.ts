import { copyFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { sqliteDatabase, type TestDatabase } from '../../__tests__/databases.js';
import { openStore } from '../../__tests__/store.js';
import type { Store } from '../../ports/store.js';
import { CHECKPOINT_INTERVAL_MS } from './sqlite-checkpointer.js';

/** The messages in the database file alone: what checkpoints have copied out of the WAL. */
function checkpointedMessages(db: TestDatabase): number {
  const copy = `${db.url}.copy`;
  copyFileSync(db.url, copy);
  // Opened without its WAL (none was copied): only the file's own pages are read.
  const file = new BetterSqlite3(copy, { readonly: true });
  try {
    return (file.prepare('select count(*) as n from messages').get() as { n: number }).n;
  } finally {
    file.close();
  }
}

describe('SQLite WAL checkpoints', () => {
  let db: TestDatabase | undefined;
  let store: Store | undefined;
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('are made off the event loop: a few commits reach the database file without a commit crossing the threshold', async () => {
    ({ db, store } = await openStore(async () => sqliteDatabase()));
    await store.createUser({
      id: 'u1',
      username: 'ann',
      displayName: 'Ann',
      createdAt: 1,
      passwordHash: 'h',
    });
    await store.createRoom({ id: 'r1', kind: 'public', name: 'r', topic: '', createdAt: 1 }, [
      { userId: 'u1', role: 'owner' },
    ]);
    const sends = Array.from({ length: 3 }, (_, i) =>
      store?.appendMessage({
        id: `m${i}`,
        roomId: 'r1',
        authorId: 'u1',
        clientMsgId: `c${i}`,
        body: `hello ${i}`,
        at: 2 + i,
      }),
    );
    expect((await Promise.all(sends)).map((r) => r?.status)).toEqual([
      'created',
      'created',
      'created',
    ]);
    // A handful of pages: far below any commit's own threshold (1,000 pages by default), so
    // only the background checkpointer copies them into the file while the store is open.
    const ready = db;
    await vi.waitFor(() => expect(checkpointedMessages(ready)).toBe(3), {
      timeout: 20 * CHECKPOINT_INTERVAL_MS,
      interval: CHECKPOINT_INTERVAL_MS / 5,
    });
  });
});
