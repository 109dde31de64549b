import type { SendResult } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { Outbox, type OutboxEntry } from './outbox.js';
import { memoryOutboxStore, type OutboxStore } from './outbox-store.js';

/** A server that acknowledges each clientMsgId once and answers a repeat with the first result. */
function dedupingServer(down = false) {
  const posted = new Map<string, SendResult>();
  const attempts: string[] = [];
  const state = { down };
  const send = async (input: { roomId: string; clientMsgId: string; body: string }) => {
    attempts.push(input.clientMsgId);
    if (state.down) throw new TypeError('fetch failed');
    const first = posted.get(input.clientMsgId);
    if (first) return first;
    const result = { id: `m-${input.clientMsgId}`, seq: posted.size + 1, createdAt: 0 };
    posted.set(input.clientMsgId, result);
    return result;
  };
  return { send, posted, attempts, state };
}

function outboxOn(server: ReturnType<typeof dedupingServer>, store: OutboxStore) {
  const changes: OutboxEntry[][] = [];
  const outbox = new Outbox(server.send, {
    retryDelayMs: () => 5,
    serverErrorAttempts: 1,
    changed: (entries) => changes.push(entries),
    store,
  });
  return { outbox, changes };
}

describe('the outbox store', () => {
  it('memoryOutboxStore keeps entries in the order put, replaces by clientMsgId, deletes', async () => {
    const store = memoryOutboxStore();
    const entry = (id: string, status: OutboxEntry['status'] = 'pending'): OutboxEntry => ({
      clientMsgId: id,
      roomId: 'r1',
      body: `body ${id}`,
      status,
    });
    await store.put(entry('a'));
    await store.put(entry('b'));
    await store.put(entry('a', 'failed'));
    expect(await store.load()).toEqual([entry('a', 'failed'), entry('b')]);
    await store.delete('a');
    expect(await store.load()).toEqual([entry('b')]);
  });

  it('keeps the reply fields of a stored thread reply, and the next run sends them', async () => {
    const store = memoryOutboxStore();
    const inputs: Parameters<ConstructorParameters<typeof Outbox>[0]>[0][] = [];
    let down = true;
    let delivered = () => {};
    const sentOnce = new Promise<void>((resolve) => {
      delivered = resolve;
    });
    const send = async (input: (typeof inputs)[number]) => {
      if (down) throw new TypeError('fetch failed');
      inputs.push(input);
      delivered();
      return { id: 'm1', seq: 1, createdAt: 0 };
    };
    const options = { retryDelayMs: () => 5, serverErrorAttempts: 1, changed: () => {}, store };
    const first = new Outbox(send, options);
    const reply = { replyToId: 'm0', threadId: 'm-root', alsoInRoom: true };
    void first.enqueue({ roomId: 'r1', body: 'in the thread', clientMsgId: 'c-1', ...reply });
    await first.flushed();
    first.close();
    expect(await store.load()).toEqual([
      { roomId: 'r1', body: 'in the thread', clientMsgId: 'c-1', ...reply, status: 'pending' },
    ]);

    down = false;
    const second = new Outbox(send, options);
    await second.restore();
    await sentOnce;
    expect(inputs).toEqual([{ roomId: 'r1', body: 'in the thread', clientMsgId: 'c-1', ...reply }]);
    second.close();
  });

  it('keeps a message queued while the server is unreachable, and the next run sends it once', async () => {
    const store = memoryOutboxStore();
    const server = dedupingServer(true);
    const first = outboxOn(server, store);
    void first.outbox
      .enqueue({ roomId: 'r1', body: 'offline message', clientMsgId: 'c-1' })
      .catch(() => {});
    await first.outbox.flushed();
    // The tab closes: the outbox stops with the message unsent.
    first.outbox.close();
    expect(await store.load()).toEqual([
      { roomId: 'r1', body: 'offline message', clientMsgId: 'c-1', status: 'pending' },
    ]);

    server.state.down = false;
    const second = outboxOn(server, store);
    await second.outbox.restore();
    for (let i = 0; i < 100 && second.outbox.list().length > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await second.outbox.flushed();
    expect([...server.posted.keys()]).toEqual(['c-1']);
    expect(second.outbox.list()).toEqual([]);
    expect(await store.load()).toEqual([]);
    // A third run finds nothing to send.
    const third = outboxOn(server, store);
    await third.outbox.restore();
    expect(third.outbox.list()).toEqual([]);
  });

  it('a message sent before the crash but not forgotten is sent again with its clientMsgId and posted once', async () => {
    const store = memoryOutboxStore();
    const server = dedupingServer();
    // The previous run got its answer lost: the server has it, the store still holds it.
    await server.send({ roomId: 'r1', clientMsgId: 'c-2', body: 'hello' });
    await store.put({ roomId: 'r1', body: 'hello', clientMsgId: 'c-2', status: 'pending' });
    const next = outboxOn(server, store);
    await next.outbox.restore();
    for (let i = 0; i < 100 && next.outbox.list().length > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await next.outbox.flushed();
    expect(server.attempts).toEqual(['c-2', 'c-2']);
    expect(server.posted.size).toBe(1);
    expect(await store.load()).toEqual([]);
  });

  it('a refused message is stored as failed and restored as failed (retry or discard is the user’s)', async () => {
    const store = memoryOutboxStore();
    const refusing = async () => {
      throw Object.assign(new Error('refused: FORBIDDEN'), { data: { appCode: 'FORBIDDEN' } });
    };
    const outbox = new Outbox(refusing, {
      retryDelayMs: () => 0,
      serverErrorAttempts: 1,
      changed: () => {},
      store,
    });
    await outbox.enqueue({ roomId: 'r1', body: 'no', clientMsgId: 'c-3' }).catch(() => {});
    await outbox.flushed();
    const failed = {
      roomId: 'r1',
      body: 'no',
      clientMsgId: 'c-3',
      status: 'failed',
      error: { code: 'FORBIDDEN', message: 'refused: FORBIDDEN' },
    };
    expect(await store.load()).toEqual([failed]);
    const next = outboxOn(dedupingServer(), store);
    await next.outbox.restore();
    expect(next.outbox.list()).toEqual([failed]);
    next.outbox.discard('c-3');
    await next.outbox.flushed();
    expect(await store.load()).toEqual([]);
  });
});
