import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, buildApi, freePort, startApi } from './__tests__/process.js';
import { record } from './__tests__/recorder.js';
import { device, register, tempDatabase } from './__tests__/server.js';
import type { Transport } from './client.js';

const TRANSPORTS: Transport[] = ['ws', 'sse', 'poll'];

describe('a server killed with SIGKILL mid-stream and restarted', () => {
  let entry: string;
  beforeAll(() => {
    entry = buildApi();
  });
  afterAll(() => rmSync(dirname(entry), { recursive: true, force: true }));

  it.each(TRANSPORTS)(
    'leaves a %s subscriber with every acknowledged message once, in order',
    async (transport) => {
      const db = tempDatabase();
      const port = await freePort();
      let api: ApiProcess = await startApi(entry, { port, databaseUrl: db.path });
      const alice = await register(api.url, 'alice');
      const bob = await register(api.url, 'bob');
      const publisher = device(api.url, alice.token, { autoConnect: false });
      const subscriber = device(api.url, bob.token, { transport });
      const seen = record(subscriber);
      try {
        await seen.connected();
        const room = await publisher.api.room.create.mutate({ kind: 'public', name: 'durable' });
        await subscriber.api.room.join.mutate({ roomId: room.id });

        const acknowledged: { seq: number; body: string }[] = [];
        const send = async (body: string) =>
          acknowledged.push({ seq: (await publisher.send({ roomId: room.id, body })).seq, body });
        for (let i = 1; i <= 60; i++) await send(`before ${i}`);
        // Kill it with a send in flight, while the subscriber is mid-stream.
        const inFlight = send('in flight');
        await api.kill('SIGKILL');
        api = await startApi(entry, { port, databaseUrl: db.path });
        await inFlight;
        for (let i = 1; i <= 30; i++) await send(`after ${i}`);

        const last = acknowledged.at(-1)?.seq ?? 0;
        await seen.until(
          () => (seen.roomEvents(room.id).at(-1)?.seq ?? 0) >= last,
          'the last acknowledged seq',
          30_000,
        );
        const delivered = seen
          .roomEvents(room.id)
          .flatMap((e) =>
            e.type === 'message.created' ? [{ seq: e.seq, body: e.message.body }] : [],
          );
        expect(delivered).toEqual(acknowledged);
        expect(seen.states).toContain('reconnecting');
      } finally {
        publisher.close();
        subscriber.close();
        await api.kill('SIGTERM');
        db.remove();
      }
    },
  );
});
