import type WebSocket from 'ws';
import type { BenchConfig } from '../config.js';
import { startServer } from '../drivers/process.js';
import type { Sink } from '../drivers/types.js';
import { closeSockets, guard, openSocket, textOf, waitFor } from '../drivers/ws-util.js';
import { indexOfBody, isRecord, PEER_ROOM, readPeerMessage } from '../payload.js';
import { send } from './common.js';
import { timeStorm } from './storm-timing.js';
import { Tracker } from './tracker.js';
import type { WorkloadResult } from './types.js';

/** The storm fails if a device has not caught up this long after it began. */
const STORM_TIMEOUT_MS = 60_000;

/**
 * One raw `ws` device coming back: it joins the room with the last seq it has (`after`), gets
 * every kept message after it, then `joined` with the room's seq. Resolves with the socket and
 * that seq.
 */
async function resumeRawDevice(
  port: number,
  subscriber: number,
  after: number,
  sink: Sink,
  closing: () => boolean,
): Promise<{ ws: WebSocket; syncedAt: number }> {
  const ws = await openSocket(`ws://127.0.0.1:${port}/`, STORM_TIMEOUT_MS);
  guard(ws, `device ${subscriber}`, sink.fail, closing);
  let syncedAt = -1;
  await waitFor(`device ${subscriber} to catch up`, STORM_TIMEOUT_MS, (ready) => {
    ws.on('message', (data) => {
      const frame: unknown = JSON.parse(textOf(data));
      const message = readPeerMessage(frame);
      if (message) sink.deliver(subscriber, message.seq, indexOfBody(message.body));
      else if (isRecord(frame) && frame.type === 'joined' && typeof frame.seq === 'number') {
        syncedAt = frame.seq;
        ready();
      } else sink.fail(`device ${subscriber}: unexpected frame ${textOf(data).slice(0, 80)}`);
    });
    ws.send(JSON.stringify({ type: 'join', room: PEER_ROOM, after }));
  });
  return { ws, syncedAt };
}

/**
 * The resume storm's floor on this machine: the bare `ws` server (servers/raw-ws.ts with
 * `--keep`) keeps the room's messages in memory; `missed` messages are published with no
 * device connected, then `devices` devices connect at once, each asking for every message after
 * seq 0, as Confab's devices ask for those after their cursor. No auth, no store, no retries:
 * what accepting the connections and writing the messages costs alone.
 */
export async function rawResumeStorm(config: BenchConfig): Promise<WorkloadResult> {
  const { devices, missed } = config.resumeStorm;
  const tracker = new Tracker(devices, missed);
  const server = await startServer('raw-ws', {
    cpuFrom: 'ipc',
    args: ['--keep', String(missed)],
  });
  let closing = false;
  const sockets: WebSocket[] = [];
  try {
    const publisher = await openSocket(`ws://127.0.0.1:${server.port}/`);
    sockets.push(publisher);
    guard(publisher, 'publisher', tracker.fail, () => closing);
    for (let i = 0; i < missed; i++)
      send(
        {
          publish: (_index, body) =>
            publisher.send(JSON.stringify({ type: 'publish', room: PEER_ROOM, body })),
          close: async () => {},
        },
        tracker,
        i,
        config.bodyChars,
      );
    // The server reads one socket's frames in order: once the publisher's own join is
    // answered, every message before it is kept.
    await waitFor('the publishes', 10_000, (ready) => {
      publisher.on('message', (data) => {
        const frame: unknown = JSON.parse(textOf(data));
        if (isRecord(frame) && frame.type === 'joined') ready();
      });
      publisher.send(JSON.stringify({ type: 'join', room: PEER_ROOM, after: missed }));
    });

    for (let i = 0; i < devices; i++) tracker.expectNext(i, 1);
    return await timeStorm({
      server,
      devices,
      tracker,
      missed,
      sockets,
      expectedSeq: () => missed,
      start: (i) => resumeRawDevice(server.port, i, 0, tracker, () => closing),
    });
  } finally {
    closing = true;
    await closeSockets(sockets);
    await server.stop();
  }
}
