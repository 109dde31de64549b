import type { ErrorCode, SendResult } from '@confab/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorCodeOf } from './errors.js';
import { Outbox, type OutboxEntry } from './outbox.js';

/** A refusal shaped as the tRPC client gives it: the server's `data` with its appCode. */
function answer(appCode: ErrorCode, extra: { retryAfterMs?: number } = {}): Error {
  return Object.assign(new Error(`refused: ${appCode}`), { data: { appCode, ...extra } });
}

/** No answer at all: what fetch throws when the network is down. */
const networkDown = () => new TypeError('fetch failed');

/**
 * A scripted server: each body has a list of failures to answer with, one per attempt, and is
 * acknowledged once they are used up. Records every attempt, in order.
 */
function scriptedServer(failures: Record<string, (() => Error)[]>) {
  const attempts: { body: string; clientMsgId: string }[] = [];
  let seq = 0;
  const send = async (input: { roomId: string; clientMsgId: string; body: string }) => {
    attempts.push({ body: input.body, clientMsgId: input.clientMsgId });
    const next = failures[input.body]?.shift();
    if (next) throw next();
    seq += 1;
    return { id: `m${seq}`, seq, createdAt: 0 } satisfies SendResult;
  };
  return { send, bodies: () => attempts.map((a) => a.body), attempts };
}

function outboxOver(
  server: ReturnType<typeof scriptedServer>,
  options: { serverErrorAttempts?: number; retryDelayMs?: (attempt: number) => number } = {},
) {
  const states: OutboxEntry[][] = [];
  const outbox = new Outbox(server.send, {
    retryDelayMs: options.retryDelayMs ?? (() => 0),
    serverErrorAttempts: options.serverErrorAttempts ?? 3,
    changed: (entries) => states.push(entries),
  });
  const enqueue = (body: string) =>
    outbox.enqueue({ roomId: 'r1', body, clientMsgId: `id-${body}` });
  return { outbox, states, enqueue };
}

/** How a promise settled: the result's seq, or the refusal's code. */
const settled = (p: Promise<SendResult>) =>
  p.then(
    (r) => ({ seq: r.seq }),
    (e: unknown) => ({ code: errorCodeOf(e) }),
  );

afterEach(() => {
  vi.useRealTimers();
});

describe('Outbox', () => {
  it.each<ErrorCode>([
    'VALIDATION',
    'FORBIDDEN',
    'ROOM_NOT_FOUND',
    'MESSAGE_NOT_FOUND',
    'CONFLICT',
    'USER_NOT_FOUND',
    'UNAUTHENTICATED',
  ])('fails a message refused with %s at once and sends the next ones, in order', async (code) => {
    const server = scriptedServer({ first: [() => answer(code)] });
    const { outbox, enqueue } = outboxOver(server);
    const results = ['first', 'second', 'third'].map((body) => settled(enqueue(body)));

    expect(await Promise.all(results)).toEqual([{ code }, { seq: 1 }, { seq: 2 }]);
    expect(server.bodies()).toEqual(['first', 'second', 'third']);
    expect(outbox.list()).toEqual([
      {
        clientMsgId: 'id-first',
        roomId: 'r1',
        body: 'first',
        status: 'failed',
        error: { code, message: `refused: ${code}` },
      },
    ]);
  });

  it('retries INTERNAL with backoff, then fails the message after serverErrorAttempts and moves on', async () => {
    const internal = () => answer('INTERNAL');
    const server = scriptedServer({ stuck: [internal, internal, internal, internal] });
    const delays: number[] = [];
    const { outbox, enqueue } = outboxOver(server, {
      serverErrorAttempts: 3,
      retryDelayMs: (attempt) => {
        delays.push(attempt);
        return 0;
      },
    });
    const results = [settled(enqueue('stuck')), settled(enqueue('next'))];

    expect(await Promise.all(results)).toEqual([{ code: 'INTERNAL' }, { seq: 1 }]);
    expect(server.bodies()).toEqual(['stuck', 'stuck', 'stuck', 'next']);
    // Every attempt carried the same clientMsgId: the server posts a message at most once.
    expect(new Set(server.attempts.slice(0, 3).map((a) => a.clientMsgId))).toEqual(
      new Set(['id-stuck']),
    );
    expect(delays).toEqual([0, 1]);
    expect(outbox.list().map((e) => [e.body, e.status, e.error?.code])).toEqual([
      ['stuck', 'failed', 'INTERNAL'],
    ]);
  });

  it('delivers a message whose INTERNAL errors clear within the bound', async () => {
    const internal = () => answer('INTERNAL');
    const server = scriptedServer({ flaky: [internal, internal] });
    const { outbox, enqueue } = outboxOver(server, { serverErrorAttempts: 3 });

    expect(await Promise.all([settled(enqueue('flaky')), settled(enqueue('next'))])).toEqual([
      { seq: 1 },
      { seq: 2 },
    ]);
    expect(server.bodies()).toEqual(['flaky', 'flaky', 'flaky', 'next']);
    expect(outbox.list()).toEqual([]);
  });

  it('keeps retrying while the server does not answer, however long that takes', async () => {
    const server = scriptedServer({ offline: Array.from({ length: 20 }, () => networkDown) });
    const { enqueue } = outboxOver(server, { serverErrorAttempts: 1 });

    expect(await settled(enqueue('offline'))).toEqual({ seq: 1 });
    expect(server.bodies()).toHaveLength(21);
  });

  it('waits the retryAfterMs a RATE_LIMITED answer names, and a reconnect does not cut it short', async () => {
    vi.useFakeTimers();
    const server = scriptedServer({
      hasty: [() => answer('RATE_LIMITED', { retryAfterMs: 1000 })],
    });
    // A backoff far longer than the server's wait proves the wait is the server's.
    const { outbox, enqueue } = outboxOver(server, { retryDelayMs: () => 60_000 });
    const result = settled(enqueue('hasty'));

    await vi.advanceTimersByTimeAsync(500);
    outbox.nudge();
    await vi.advanceTimersByTimeAsync(499);
    expect(server.bodies()).toEqual(['hasty']);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.bodies()).toEqual(['hasty', 'hasty']);
    expect(await result).toEqual({ seq: 1 });
  });

  it('does not count RATE_LIMITED answers towards the INTERNAL bound', async () => {
    const limited = () => answer('RATE_LIMITED', { retryAfterMs: 0 });
    const server = scriptedServer({ busy: [limited, limited, limited] });
    const { enqueue } = outboxOver(server, { serverErrorAttempts: 1 });

    expect(await settled(enqueue('busy'))).toEqual({ seq: 1 });
    expect(server.bodies()).toEqual(['busy', 'busy', 'busy', 'busy']);
  });

  it('close() ends a wait, and the message stays pending, unsent', async () => {
    vi.useFakeTimers();
    const server = scriptedServer({ late: [() => answer('RATE_LIMITED', { retryAfterMs: 5000 })] });
    const { outbox, enqueue } = outboxOver(server);
    void enqueue('late');
    await vi.advanceTimersByTimeAsync(10);
    outbox.close();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.bodies()).toEqual(['late']);
    expect(outbox.list().map((e) => [e.body, e.status])).toEqual([['late', 'pending']]);
  });

  it('sends the files of a message with it, in order, and the same ids again after no answer', async () => {
    const inputs: unknown[] = [];
    let calls = 0;
    const outbox = new Outbox(
      async (input) => {
        inputs.push(input);
        calls += 1;
        if (calls === 1) throw networkDown();
        return { id: 'm1', seq: 1, createdAt: 0 };
      },
      { retryDelayMs: () => 0, serverErrorAttempts: 3, changed: () => {} },
    );
    const sent = outbox.enqueue({
      roomId: 'r1',
      body: '',
      clientMsgId: 'c1',
      attachments: ['f2', 'f1'],
    });

    expect(await sent).toEqual({ id: 'm1', seq: 1, createdAt: 0 });
    const expected = { roomId: 'r1', clientMsgId: 'c1', body: '', attachments: ['f2', 'f1'] };
    expect(inputs).toEqual([expected, expected]);
  });

  it('sends a failed message again on retry(), with its clientMsgId', async () => {
    const server = scriptedServer({ once: [() => answer('FORBIDDEN')] });
    const { outbox, states, enqueue } = outboxOver(server);
    expect(await settled(enqueue('once'))).toEqual({ code: 'FORBIDDEN' });

    expect(await outbox.retry('id-once')).toEqual({ id: 'm1', seq: 1, createdAt: 0 });
    expect(server.attempts).toEqual([
      { body: 'once', clientMsgId: 'id-once' },
      { body: 'once', clientMsgId: 'id-once' },
    ]);
    expect(states.map((s) => s.map((e) => e.status))).toEqual([
      ['pending'],
      ['failed'],
      ['pending'],
      [],
    ]);
  });
});
