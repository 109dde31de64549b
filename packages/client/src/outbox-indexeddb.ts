import type { OutboxEntry } from './outbox.js';
import type { OutboxStore } from './outbox-store.js';

const STORE = 'outbox';

/*
 * The few IndexedDB shapes used here, declared so that the SDK compiles in an app without the
 * DOM types (a Node backend); in a browser they are the real objects.
 */
interface IdbRequest<T> {
  readonly result: T;
  readonly error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbStore {
  put(value: unknown): unknown;
  delete(key: string): unknown;
  get(key: string): IdbRequest<unknown>;
  index(name: string): { getAll(): IdbRequest<unknown[]> };
  createIndex(name: string, keyPath: string): unknown;
}
interface IdbTransaction {
  objectStore(name: string): IdbStore;
  readonly error: unknown;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}
interface IdbDatabase {
  transaction(store: string, mode: 'readonly' | 'readwrite'): IdbTransaction;
  createObjectStore(name: string, options: { keyPath: string }): IdbStore;
}
interface IdbFactory {
  open(
    name: string,
    version: number,
  ): IdbRequest<IdbDatabase> & { onupgradeneeded: (() => void) | null };
}

/** A request's result as a promise. */
function done<T>(request: IdbRequest<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * An outbox kept in the browser's IndexedDB (database `name`), which outlives the tab: a
 * message queued offline is sent when the app is opened again. One store per signed-in user:
 * name it after them, so another account on the same browser does not send their messages.
 * Entries are keyed by clientMsgId and ordered by when they were queued.
 */
export function indexedDbOutboxStore(name: string): OutboxStore {
  // Through globalThis: the SDK also runs in Node, where there is none.
  const factory = (globalThis as { indexedDB?: IdbFactory }).indexedDB;
  if (!factory) throw new Error('indexedDbOutboxStore needs IndexedDB (a browser)');
  let opened: Promise<IdbDatabase> | undefined;
  const database = () => {
    opened ??= new Promise<IdbDatabase>((resolve, reject) => {
      const request = factory.open(name, 1);
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore(STORE, { keyPath: 'clientMsgId' });
        store.createIndex('queuedAt', 'queuedAt');
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return opened;
  };
  /** Runs `work` in one transaction and resolves when it commits (so the entry is on disk). */
  async function inTransaction(mode: 'readonly' | 'readwrite', work: (store: IdbStore) => void) {
    const db = await database();
    const transaction = db.transaction(STORE, mode);
    work(transaction.objectStore(STORE));
    await new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  }
  let sequence = Date.now();
  return {
    async load() {
      const db = await database();
      const index = db.transaction(STORE, 'readonly').objectStore(STORE).index('queuedAt');
      const rows = await done(index.getAll());
      return (rows as (OutboxEntry & { queuedAt: number })[]).map(
        ({ queuedAt: _queuedAt, ...entry }) => entry,
      );
    },
    async put(entry) {
      const db = await database();
      // Keep the original queue position when an entry is updated (failed, retried).
      const existing = (await done(
        db.transaction(STORE, 'readonly').objectStore(STORE).get(entry.clientMsgId),
      )) as { queuedAt: number } | undefined;
      const queuedAt = existing?.queuedAt ?? ++sequence;
      await inTransaction('readwrite', (store) => store.put({ ...entry, queuedAt }));
    },
    async delete(clientMsgId) {
      await inTransaction('readwrite', (store) => store.delete(clientMsgId));
    },
  };
}
