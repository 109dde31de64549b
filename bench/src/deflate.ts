// Should Confab's WebSocket server negotiate permessage-deflate? Measures, for message.created
// frames fanned out to N devices, the bytes on the wire, the server's CPU and its memory per
// device, with compression off (Confab today: one frame built once and written as the same
// bytes to every socket, frames.ts) and on in ws's configurations.
//
//   node --import tsx src/deflate.ts [--devices 1000] [--messages 200] [--out file.md]
//
// Each configuration runs in a fresh server process (memory figures stay apart), with the
// devices in another (their inflating is not the server's CPU).
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type PerMessageDeflateOptions, type WebSocket, WebSocketServer } from 'ws';
import type { FromClients, ToClients } from './deflate-clients.js';

/** The configurations compared; `direct` is Confab's own path (no compression). */
const MODES = {
  off: { perMessageDeflate: false, direct: true },
  // ws applies its 1 KiB threshold only without context takeover: by default every frame is
  // compressed, each socket with its own zlib context.
  'deflate, ws defaults': { perMessageDeflate: {}, direct: false },
  'deflate, every frame': { perMessageDeflate: { threshold: 0 }, direct: false },
  'deflate, every frame, no context takeover': {
    perMessageDeflate: {
      threshold: 0,
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
    },
    direct: false,
  },
} satisfies Record<
  string,
  { perMessageDeflate: PerMessageDeflateOptions | false; direct: boolean }
>;
type Mode = keyof typeof MODES;

interface Result {
  mode: Mode;
  negotiated: boolean;
  devices: number;
  messages: number;
  frameBytes: number;
  wireBytesPerDelivery: number;
  cpuMicrosPerDelivery: number;
  rssKiBPerDevice: number;
}

const id = () => randomBytes(16).toString('base64url');
const WORDS = (
  'the a standup at noon ship it review slides coffee release tomorrow bug fixed deploy ' +
  'thanks sounds good can you check the logs I will be late lunch meeting notes link ' +
  'customer asked about pricing the build is green again merged please take a look'
).split(' ');

/**
 * A message.created frame as Confab sends it (frames.ts: tRPC's tracked-event shape around the
 * event), with a body of everyday words: 6 to 30 of them, picked by a fixed sequence so every
 * run sends the same bytes.
 */
function messageFrames(count: number): string[] {
  const roomId = id();
  const authorId = id();
  let state = 12345;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
  return Array.from({ length: count }, (_, i) => {
    const seq = 1000 + i;
    const words = Array.from({ length: 6 + (next() % 25) }, () => WORDS[next() % WORDS.length]);
    const at = 1_765_000_000_000 + i * 1500;
    const event = {
      type: 'message.created',
      roomId,
      seq,
      actorId: authorId,
      at,
      message: {
        id: id(),
        roomId,
        seq,
        authorId,
        clientMsgId: id(),
        body: words.join(' '),
        createdAt: at,
        editedAt: null,
        deletedAt: null,
      },
    };
    const eventId = JSON.stringify(`${roomId}:${seq}`);
    return `{"id":1,"result":{"type":"data","data":{"id":${eventId},"data":${JSON.stringify(event)}},"id":${eventId}}}`;
  });
}

/** A final unmasked text frame around `json` (RFC 6455 §5.2), as frames.ts builds it. */
function wireFrame(json: string): Buffer {
  const payload = Buffer.from(json);
  const header = payload.length < 126 ? Buffer.from([0x81, payload.length]) : Buffer.alloc(4);
  if (payload.length >= 126) {
    header[0] = 0x81;
    header[1] = 126;
    header.writeUInt16BE(payload.length, 2);
  }
  return Buffer.concat([header, payload]);
}

const socketOf = (ws: WebSocket) =>
  (ws as unknown as { _socket: Duplex & { bytesWritten: number } })._socket;

function ask(child: ChildProcess, message: ToClients): Promise<FromClients> {
  return new Promise((resolve) => {
    child.once('message', (answer: FromClients) => resolve(answer));
    child.send(message);
  });
}

/** One configuration, in this (fresh) process: serve, connect the devices, send, measure. */
async function serve(mode: Mode, devices: number, messages: number): Promise<Result> {
  const { perMessageDeflate, direct } = MODES[mode];
  const rssBefore = process.memoryUsage().rss;
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate });
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws) => sockets.push(ws));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const clients = fork(fileURLToPath(new URL('./deflate-clients.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
  });
  try {
    const connected = await ask(clients, {
      type: 'start',
      url: `ws://127.0.0.1:${port}`,
      count: devices,
    });
    if (connected.type !== 'connected') throw new Error(JSON.stringify(connected));
    const jsons = messageFrames(messages + 20);
    const send = (json: string) => {
      if (direct) {
        // Built once, the same bytes to every socket (Confab's sendShared).
        const wire = wireFrame(json);
        for (const ws of sockets) socketOf(ws).write(wire);
      } else {
        for (const ws of sockets) ws.send(json);
      }
    };
    const waitFor = async (total: number) => {
      // Bounded: 10 minutes at most, checked every 50 ms.
      for (let i = 0; i < 12_000; i++) {
        const answer = await ask(clients, { type: 'count' });
        if (answer.type === 'count' && answer.received >= total) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`${mode}: the devices did not receive ${total} frames`);
    };
    // Warm-up: zlib contexts are made on a socket's first compressed frame.
    for (const json of jsons.slice(0, 20)) send(json);
    await waitFor(20 * devices);
    global.gc?.();
    const rssAfter = process.memoryUsage().rss;
    const written = () => sockets.reduce((sum, ws) => sum + socketOf(ws).bytesWritten, 0);
    const bytesBefore = written();
    const cpuBefore = process.cpuUsage();
    // Ten messages per turn of the event loop, as a busy room's sends arrive.
    const measured = jsons.slice(20);
    for (let i = 0; i < measured.length; i += 10) {
      for (const json of measured.slice(i, i + 10)) send(json);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor((20 + messages) * devices);
    const cpu = process.cpuUsage(cpuBefore);
    const deliveries = messages * devices;
    return {
      mode,
      negotiated: connected.deflate,
      devices,
      messages,
      frameBytes: Math.round(
        measured.reduce((sum, json) => sum + Buffer.byteLength(json), 0) / messages,
      ),
      wireBytesPerDelivery: (written() - bytesBefore) / deliveries,
      // Includes the IPC polling for counts: a few ms over the whole run.
      cpuMicrosPerDelivery: (cpu.user + cpu.system) / deliveries,
      rssKiBPerDevice: (rssAfter - rssBefore) / 1024 / devices,
    };
  } finally {
    clients.kill();
    for (const ws of sockets) ws.terminate();
    wss.close();
    http.close();
  }
}

function table(results: Result[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.mode} | ${r.negotiated ? 'yes' : 'no'} | ${r.frameBytes} | ${r.wireBytesPerDelivery.toFixed(1)} | ` +
      `${r.cpuMicrosPerDelivery.toFixed(2)} | ${r.rssKiBPerDevice.toFixed(1)} |`,
  );
  return [
    `${results[0]?.devices} devices, ${results[0]?.messages} message.created frames each (after 20 to warm up)`,
    '',
    '| configuration | negotiated | JSON bytes/frame | wire bytes/delivery | server CPU µs/delivery | server RSS KiB/device |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    messages: { type: 'string', default: '200' },
    out: { type: 'string' },
    role: { type: 'string' },
    mode: { type: 'string' },
  },
});
const devices = Number(values.devices);
const messages = Number(values.messages);

if (values.role === 'server') {
  const result = await serve(values.mode as Mode, devices, messages);
  process.send?.(result);
  process.exit(0);
} else {
  const results: Result[] = [];
  for (const mode of Object.keys(MODES) as Mode[]) {
    const child = fork(
      fileURLToPath(import.meta.url),
      ['--role=server', `--mode=${mode}`, `--devices=${devices}`, `--messages=${messages}`],
      { execArgv: ['--import', 'tsx', '--expose-gc'] },
    );
    const result = await new Promise<Result>((resolve, reject) => {
      child.once('message', (message: Result) => resolve(message));
      child.once('exit', (code) =>
        reject(new Error(`${mode}: the server process exited (${code})`)),
      );
    });
    results.push(result);
    console.log(`${mode}: done`);
  }
  const text = table(results);
  console.log(text);
  if (values.out) writeFileSync(values.out, `${text}\n`);
}
