import { indexOfBody, PEER_ROOM, readPeerMessage } from '../payload.js';
import { startServer } from './process.js';
import { trpcMutator, trpcSubscription } from './trpc-ws.js';
import type { Driver } from './types.js';
import { closeSockets, guard, openMany, openSocket } from './ws-util.js';

/** The naive tRPC peer: subscription `onMessage({room})`, mutation `publish`, over WebSocket. */
export const trpcNaiveDriver: Driver = {
  name: 'trpc-naive',
  label: 'tRPC naive',
  start: () => startServer('trpc-naive', { cpuFrom: 'ipc' }),

  async subscribe(server, count, sink) {
    let closing = false;
    const sockets = await openMany(count, (i) =>
      trpcSubscription({
        url: `ws://127.0.0.1:${server.port}/`,
        path: 'onMessage',
        input: { room: PEER_ROOM },
        what: `subscriber ${i}`,
        fail: sink.fail,
        closing: () => closing,
        liveOnStarted: true,
        onData(item) {
          const message = readPeerMessage(item);
          if (message) sink.deliver(i, message.seq, indexOfBody(message.body));
          else sink.fail(`subscriber ${i}: unexpected data`);
          return false;
        },
      }),
    );
    return {
      close: () => {
        closing = true;
        return closeSockets(sockets);
      },
    };
  },

  async publisher(server, sink) {
    let closing = false;
    const ws = await openSocket(`ws://127.0.0.1:${server.port}/`);
    guard(ws, 'publisher', sink.fail, () => closing);
    const mutate = trpcMutator(ws, 'publisher', sink.fail);
    return {
      publish(_index, body) {
        mutate('publish', { room: PEER_ROOM, from: 'publisher', body });
      },
      close: () => {
        closing = true;
        return closeSockets([ws]);
      },
    };
  },
};
