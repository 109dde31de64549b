import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OutboxItem, OutboxStore } from '../ports/store.js';
import { createOutboxPoller } from './outbox.js';
import { createTasks } from './tasks.js';
import { createTelemetry } from './telemetry.js';

/** An outbox that hands out the rows put in it, and records when each claim was made. */
function fakeOutbox(now: () => number) {
  const rows: OutboxItem[] = [];
  const claimsAt: number[] = [];
  const store: OutboxStore = {
    async enqueueWebhookDeliveries() {},
    async openPushWindows() {
      return 0;
    },
    async claimOutbox({ limit }) {
      claimsAt.push(now());
      return rows.splice(0, limit);
    },
    async renewOutboxClaims() {
      return 0;
    },
    async finishOutboxItem() {
      return true;
    },
    async retryOutboxItem() {
      return true;
    },
    async releaseOutboxItem() {
      return true;
    },
    async outboxCounts() {
      return { webhook: rows.length, push: 0 };
    },
  };
  const row = (id: string): OutboxItem => ({
    id,
    kind: 'webhook',
    webhookId: 'w',
    userId: null,
    roomId: null,
    payload: '{}',
    seq: 0,
    messages: 0,
    attempts: 0,
    claims: 1,
    dueAt: 0,
    claimedBy: 'node',
    createdAt: 0,
  });
  return { store, claimsAt, add: (id: string) => rows.push(row(id)) };
}

describe('outbox poller: idle back-off', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function start(pollMs: number, idlePollMaxMs: number) {
    const now = () => Date.now();
    const outbox = fakeOutbox(now);
    const handled: string[] = [];
    const poller = createOutboxPoller({
      store: outbox.store,
      nodeId: 'node',
      pollMs,
      idlePollMaxMs,
      leaseMs: 30_000,
      maxInFlight: 4,
      tasks: createTasks(() => {}),
      telemetry: createTelemetry(() => {}),
      now,
      async handle(item) {
        handled.push(item.id);
        return { outcome: 'finished' };
      },
      abandoned: () => {},
    });
    return { outbox, poller, handled };
  }

  it('waits pollMs, then twice as long after each empty claim, up to idlePollMaxMs', async () => {
    const { outbox, poller } = start(250, 2000);
    await vi.advanceTimersByTimeAsync(10_000);
    poller.stop();
    const gaps = outbox.claimsAt.slice(1).map((at, i) => at - (outbox.claimsAt[i] ?? 0));
    expect(gaps.slice(0, 6)).toEqual([250, 500, 1000, 2000, 2000, 2000]);
    // 4 claims a second without the back-off; about one every 2 s with it.
    expect(outbox.claimsAt.length).toBe(8);
  });

  it('finds rows another node left within idlePollMaxMs, then polls at pollMs again', async () => {
    const { outbox, poller, handled } = start(250, 2000);
    await vi.advanceTimersByTimeAsync(10_000); // fully backed off
    const before = outbox.claimsAt.length;
    outbox.add('orphan'); // a dead node's row, due now: nobody wakes this node for it
    await vi.advanceTimersByTimeAsync(2000);
    expect(handled).toEqual(['orphan']);
    const foundAt = outbox.claimsAt[before] ?? 0;
    await vi.advanceTimersByTimeAsync(1000);
    poller.stop();
    // After a claim that found a row, the next waits start from pollMs again.
    const after = outbox.claimsAt.filter((at) => at > foundAt).map((at) => at - foundAt);
    expect(after.slice(0, 2)).toEqual([250, 500]);
  });

  it('claims at once when woken, whatever the idle wait', async () => {
    const { outbox, poller, handled } = start(250, 2000);
    await vi.advanceTimersByTimeAsync(10_000);
    outbox.add('mine');
    poller.wake(); // this node just queued it
    await vi.advanceTimersByTimeAsync(0);
    expect(handled).toEqual(['mine']);
    poller.stop();
  });
});
