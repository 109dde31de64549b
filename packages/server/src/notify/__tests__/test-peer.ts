import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a TestPeer does with a request: hold it unanswered, or answer with a status. */
export type PeerAnswer = 'hold' | { status: number; headers?: Record<string, string> };

/**
 * A destination on 127.0.0.1 that a test controls: it counts TCP connections, records each
 * request, and answers as told — or holds requests unanswered (a hung push service) until
 * `answer()` changes its mind. Tests await its events (`until`) instead of sleeping.
 */
export async function startTestPeer(initial: PeerAnswer = { status: 201 }) {
  let mode: PeerAnswer = initial;
  const held = new Set<ServerResponse>();
  const state = {
    connections: 0,
    /** Host header and path of each request, in arrival order. */
    requests: [] as { host: string; path: string }[],
    /** Held requests whose connection the client closed (it gave up). */
    abandoned: 0,
    inFlight: 0,
    maxInFlight: 0,
  };
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const check of waiters) check();
  };

  const server = createServer((req, res) => {
    req.resume();
    state.requests.push({ host: req.headers.host ?? '', path: req.url ?? '' });
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    res.on('close', () => {
      state.inFlight -= 1;
      if (held.delete(res)) state.abandoned += 1;
      changed();
    });
    if (mode === 'hold') held.add(res);
    else res.writeHead(mode.status, mode.headers).end();
    changed();
  });
  server.on('connection', () => {
    state.connections += 1;
    changed();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    state,
    /** Resolves once `condition` holds (checked after every event of the peer). */
    until(condition: (s: typeof state) => boolean): Promise<void> {
      return new Promise((resolve) => {
        const check = () => {
          if (!condition(state)) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    },
    /** From now on, answers so; held requests are answered too (in arrival order). */
    answer(next: PeerAnswer): void {
      mode = next;
      if (next === 'hold') return;
      for (const res of [...held]) {
        held.delete(res);
        res.writeHead(next.status, next.headers).end();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type TestPeer = Awaited<ReturnType<typeof startTestPeer>>;
