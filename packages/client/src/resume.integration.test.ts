import type { StreamEvent } from '@confab/contracts';
import type { AppRouter } from '@confab/server';
import {
  createTRPCClient,
  createWSClient,
  httpLink,
  httpSubscriptionLink,
  type TRPCLink,
  wsLink,
} from '@trpc/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FaultyProxy } from './__tests__/proxy.js';
import {
  nodeGlobals,
  register,
  setUpWithProxy,
  type TestDatabaseFile,
  type TestServer,
  tearDown,
} from './__tests__/server.js';

type Link = 'wsLink' | 'httpSubscriptionLink';

/** The official client with no Confab code: its links reconnect on their own with lastEventId. */
function unmodifiedClient(link: Link, url: string, token: string) {
  let close = () => {};
  let subscriptionLink: TRPCLink<AppRouter>;
  if (link === 'wsLink') {
    const ws = createWSClient({
      url: `${url.replace(/^http/, 'ws')}/trpc`,
      // tRPC's own client wants the browser's type; `ws` differs only in what it never uses.
      WebSocket: nodeGlobals.WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: { token },
      retryDelayMs: () => 50,
    });
    close = () => void ws.close();
    subscriptionLink = wsLink({ client: ws });
  } else {
    subscriptionLink = httpSubscriptionLink({
      url: `${url}/trpc`,
      EventSource: nodeGlobals.EventSource,
      connectionParams: { token },
    });
  }
  const api = createTRPCClient<AppRouter>({ links: [subscriptionLink] });
  return { api, close };
}

/** Everything a subscription received, with a way to wait (bounded) for a condition on it. */
function collector() {
  const ids: string[] = [];
  const events: StreamEvent[] = [];
  let check: (() => void) | undefined;
  return {
    ids,
    events,
    onData(tracked: { id: string; data: StreamEvent }) {
      ids.push(tracked.id);
      events.push(tracked.data);
      check?.();
    },
    until(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${what}`)),
          timeoutMs,
        );
        check = () => {
          if (!predicate()) return;
          clearTimeout(timer);
          check = undefined;
          resolve();
        };
        check();
      });
    },
    bodies(roomId: string): string[] {
      return events.flatMap((e) =>
        e.type === 'message.created' && e.roomId === roomId ? [e.message.body] : [],
      );
    },
  };
}

// Finding 10: tRPC's own reconnect re-sends the original input (here resume: false, no cursors)
// and the last id it saw. It used to resume only the room that id named: a user in three rooms
// whose last event was a presence snapshot lost everything sent while cut off.
describe.each<Link>(['wsLink', 'httpSubscriptionLink'])(
  'the unmodified %s reconnecting',
  (link) => {
    let db: TestDatabaseFile;
    let server: TestServer;
    let proxy: FaultyProxy;
    const closers: (() => void)[] = [];

    beforeEach(async () => {
      ({ db, server, proxy } = await setUpWithProxy());
    });
    afterEach(async () => {
      for (const close of closers.splice(0)) close();
      await tearDown({ clients: [], proxy, server, db });
    });

    it.each(['a presence snapshot', 'a message of one room'])(
      'gets every message sent to its three rooms while cut off, when the last id it saw was %s',
      async (last) => {
        const alice = await register(server.url, 'alice');
        // Alice's other device sends, straight to the server (not through the proxy).
        const sender = createTRPCClient<AppRouter>({
          links: [
            httpLink({
              url: `${server.url}/trpc`,
              headers: { Authorization: `Bearer ${alice.token}` },
            }),
          ],
        });
        const rooms: string[] = [];
        for (const name of ['one', 'two', 'three'])
          rooms.push((await sender.room.create.mutate({ kind: 'private', name })).id);
        const [first] = rooms as [string, string, string];

        const client = unmodifiedClient(link, proxy.url, alice.token);
        closers.push(client.close);
        const seen = collector();
        const subscription = client.api.events.onEvent.subscribe(
          { cursors: {}, resume: false },
          { onData: (tracked) => seen.onData(tracked as { id: string; data: StreamEvent }) },
        );
        closers.push(() => subscription.unsubscribe());
        await seen.until('the presence snapshot', () =>
          seen.events.some((e) => e.type === 'presence.snapshot'),
        );
        if (last === 'a message of one room') {
          await sender.message.send.mutate({
            roomId: first,
            clientMsgId: 'before',
            body: 'before',
          });
          await seen.until('the message before the cut', () => seen.bodies(first).length === 1);
          expect(seen.ids.at(-1)?.startsWith(`${first}:`)).toBe(true);
        } else {
          expect(seen.ids.at(-1)?.startsWith('-presence.snapshot~')).toBe(true);
        }

        // Cut off, and kept off (the link's reconnects are refused) while messages are sent.
        proxy.blockWebSocket = true;
        proxy.blockSse = true;
        proxy.cutAll();
        const sent = new Map<string, string[]>(rooms.map((roomId) => [roomId, []]));
        for (let i = 0; i < 3; i++) {
          for (const roomId of rooms) {
            const body = `${roomId.slice(0, 4)} ${i}`;
            await sender.message.send.mutate({ roomId, clientMsgId: `${roomId}-${i}`, body });
            sent.get(roomId)?.push(body);
          }
        }
        proxy.blockWebSocket = false;
        proxy.blockSse = false;

        const expected = (roomId: string) => [
          ...(last === 'a message of one room' && roomId === first ? ['before'] : []),
          ...(sent.get(roomId) ?? []),
        ];
        await seen.until('every message', () =>
          rooms.every((roomId) => seen.bodies(roomId).length >= expected(roomId).length),
        );
        // Exactly those messages, once each, in order per room (no duplicates here: the
        // reconnect resumed from the stream's sync point, which nothing after it preceded).
        for (const roomId of rooms) expect(seen.bodies(roomId)).toEqual(expected(roomId));
      },
    );
  },
);
