import type { SendResult } from '@confab/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from './__tests__/process.js';
import { type Recorder, record } from './__tests__/recorder.js';
import {
  device,
  register,
  startServer,
  type TestServer,
  tempDatabase,
} from './__tests__/server.js';
import type { ChatClient, ConnectionState, Transport } from './client.js';
import { isServerRestart } from './transports.js';

const TRANSPORTS: Transport[] = ['ws', 'sse', 'poll'];
const DEVICES_PER_TRANSPORT = 4;
const SPREAD_MS = 1_000;
const DRAIN_TIMEOUT_MS = 20_000;

/** A device and what it saw: its events, and each state change with the time it came. */
interface Watched {
  transport: Transport;
  client: ChatClient;
  seen: Recorder;
  changes: { state: ConnectionState; at: number; error: unknown }[];
}

function watch(client: ChatClient, transport: Transport): Watched {
  const changes: Watched['changes'] = [];
  client.on('state', (change) =>
    changes.push({ state: change.state, at: Date.now(), error: change.error }),
  );
  return { transport, client, seen: record(client), changes };
}

describe('close() drains a server under traffic', () => {
  const clients: ChatClient[] = [];
  let server: TestServer | undefined;
  const db = tempDatabase();
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.stop();
    db.remove();
  });

  it('says goodbye to every device over the spread, answers the sends in flight, and loses nothing', async () => {
    const port = await freePort();
    server = await startServer(db.path, port);
    const alice = await register(server.url, 'alice');
    const owner = device(server.url, alice.token, { autoConnect: false });
    clients.push(owner);
    const room = await owner.api.room.create.mutate({ kind: 'public', name: 'drained' });

    const devices: Watched[] = [];
    for (const transport of TRANSPORTS) {
      for (let i = 0; i < DEVICES_PER_TRANSPORT; i++) {
        const user = await register(server.url, `${transport}${i}`);
        const client = device(server.url, user.token, { transport });
        clients.push(client);
        await client.api.room.join.mutate({ roomId: room.id });
        devices.push(watch(client, transport));
      }
    }
    await Promise.all(devices.map((d) => d.seen.connected()));

    // Three senders (each SDK outbox sends one message at a time), sending steadily.
    const senders = Array.from({ length: 3 }, () => {
      const sender = device(server?.url ?? '', alice.token, { autoConnect: false });
      clients.push(sender);
      return sender;
    });
    const acknowledged: SendResult[] = [];
    const refused: unknown[] = [];
    let sending = true;
    let sent = 0;
    const inFlight = new Set<Promise<SendResult>>();
    const loops = senders.map(async (sender, s) => {
      while (sending) {
        const body = `sender ${s} message ${sent++}`;
        const send = sender.send({ roomId: room.id, body });
        inFlight.add(send);
        try {
          acknowledged.push(await send);
        } catch (error) {
          refused.push(error);
        } finally {
          inFlight.delete(send);
        }
      }
    });
    await until(() => acknowledged.length >= 30, 'the first 30 sends');

    // Drain with every device live and each sender's next send under way (on the wire, or
    // about to be: an idle keep-alive connection the drain closes under it makes it a retry).
    const atClose = [...inFlight];
    expect(atClose.length).toBeGreaterThan(0);
    const closeStarted = Date.now();
    await server.chat.close({ drainSpreadMs: SPREAD_MS, drainTimeoutMs: DRAIN_TIMEOUT_MS });
    const closeTook = Date.now() - closeStarted;
    // Nothing hung, so nothing waited for the deadline.
    expect(closeTook).toBeLessThan(DRAIN_TIMEOUT_MS);

    // The replacement: same port, same database.
    server = await startServer(db.path, port);
    // The sends in flight when close() began were answered (by the old server, or, when their
    // request never reached it, by the new one after the outbox's retry): none failed.
    const settledAtClose = await Promise.allSettled(atClose);
    expect(settledAtClose.map((s) => s.status)).toEqual(atClose.map(() => 'fulfilled'));
    const before = acknowledged.length;
    await until(() => acknowledged.length >= before + 30, '30 sends after the restart');
    sending = false;
    await Promise.all(loops);
    expect(refused).toEqual([]);

    const expected = [...acknowledged].sort((a, b) => a.seq - b.seq).map((a) => a.id);
    const last = Math.max(...acknowledged.map((a) => a.seq));
    for (const d of devices) {
      await d.seen.until(
        () =>
          (d.seen.roomEvents(room.id).at(-1)?.seq ?? 0) >= last && d.client.state === 'connected',
        `${d.transport} device at seq ${last}`,
        60_000,
      );
      const messages = d.seen
        .roomEvents(room.id)
        .flatMap((e) => (e.type === 'message.created' ? [e.message.id] : []));
      // Every acknowledged message once, in seq order (room events carry seqs the SDK orders).
      expect(messages).toEqual(expected);
      expect(d.client.state).toBe('connected');
      // The app saw a brief 'reconnecting', never 'closed'.
      expect(d.changes.map((c) => c.state)).not.toContain('closed');
      expect(d.changes.map((c) => c.state)).toContain('reconnecting');
      expect(d.client.outbox()).toEqual([]);
    }
    for (const sender of senders) expect(sender.outbox()).toEqual([]);

    // WebSocket and SSE devices were told (close 1012, SERVICE_UNAVAILABLE): each one's first
    // drop after close() began is the server's goodbye, not a broken connection.
    const firstDrop = (d: Watched) =>
      d.changes.find((c) => c.at >= closeStarted && c.state === 'reconnecting');
    for (const d of devices.filter((w) => w.transport !== 'poll')) {
      const drop = firstDrop(d);
      expect(drop, `${d.transport} device dropped`).toBeDefined();
      expect(isServerRestart(drop?.error), `${d.transport}: ${String(drop?.error)}`).toBe(true);
    }
    // The goodbyes were spread, not all in one instant: the devices left over a window of
    // more than a tenth of the spread (12 uniform draws over 1 s land in under 100 ms with a
    // probability of about 1e-10).
    const drops = devices.map((d) => firstDrop(d)?.at ?? Number.NaN);
    expect(drops.every(Number.isFinite)).toBe(true);
    expect(Math.max(...drops) - Math.min(...drops)).toBeGreaterThan(SPREAD_MS / 10);
  }, 180_000);
});

/** Waits for a condition the senders' loops make true (the timeout is a failure guard). */
function until(condition: () => boolean, what: string) {
  return vi.waitFor(
    () => {
      if (!condition()) throw new Error(`Timed out waiting for ${what}`);
    },
    { timeout: 60_000, interval: 20 },
  );
}
