import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { rawSubscription } from '../__tests__/raw-subscription.js';
import { serverForSuite, signUp } from '../__tests__/server.js';

type WriteMethod = (this: Socket, ...args: unknown[]) => unknown;
interface SocketWrites {
  _write: WriteMethod;
  _writev: WriteMethod;
}

/**
 * Records what the server writes to its side of each connection (the sockets whose local port
 * is `port`): one entry per write the socket hands to the system (`_write`, or `_writev` for
 * chunks sent together), with the bytes it carries.
 */
function recordServerWrites(port: number) {
  const proto = Socket.prototype as unknown as SocketWrites;
  const original = { _write: proto._write, _writev: proto._writev };
  const writes: Buffer[] = [];
  proto._write = function (this: Socket, ...args: unknown[]) {
    if (this.localPort === port) writes.push(Buffer.from(args[0] as Buffer | string));
    return original._write.apply(this, args);
  };
  proto._writev = function (this: Socket, ...args: unknown[]) {
    const chunks = args[0] as { chunk: Buffer | string }[];
    if (this.localPort === port)
      writes.push(Buffer.concat(chunks.map(({ chunk }) => Buffer.from(chunk))));
    return original._writev.apply(this, args);
  };
  return {
    writes,
    stop: () => Object.assign(proto, original),
  };
}

/** The text of each WebSocket frame in `bytes` (server frames: unmasked, text, unfragmented). */
function framesOf(bytes: Buffer): string[] {
  const texts: string[] = [];
  for (let at = 0; at < bytes.length; ) {
    const short = (bytes[at + 1] ?? 0) & 0x7f;
    const [length, header] =
      short === 126
        ? [bytes.readUInt16BE(at + 2), 4]
        : short === 127
          ? [Number(bytes.readBigUInt64BE(at + 2)), 10]
          : [short, 2];
    texts.push(bytes.subarray(at + header, at + header + length).toString());
    at += header + length;
  }
  return texts;
}

/** What a frame of the stream is: tRPC's `started`, else its event's type. */
function kindOf(text: string): string {
  const frame = JSON.parse(text) as { result: { type?: string; data?: { type?: string } } };
  return frame.result.type === 'started' ? 'started' : String(frame.result.data?.type);
}

describe('a device stream that starts', () => {
  const server = serverForSuite();

  /** The frames the server wrote while `open` ran, one list per write after the upgrade. */
  async function writesDuring(open: () => Promise<void>): Promise<string[][]> {
    const recorder = recordServerWrites(Number(new URL(server.url).port));
    try {
      await open();
    } finally {
      recorder.stop();
    }
    const [upgrade, ...rest] = recorder.writes;
    expect(upgrade?.toString()).toMatch(/^HTTP\/1\.1 101 /);
    return rest.map((bytes) => framesOf(bytes).map(kindOf));
  }

  it('writes tRPC started, its backfill, sync and the presence snapshot in one write', async () => {
    const ann = await signUp(server.url, 'ann');
    const room = await ann.api.room.create.mutate({ kind: 'private', name: 'one write' });
    for (const body of ['one', 'two', 'three'])
      await ann.api.message.send.mutate({
        roomId: room.id,
        clientMsgId: crypto.randomUUID(),
        body,
      });
    const writes = await writesDuring(async () => {
      // Resumes from seq 1 (the room's creation): the three messages are its backfill.
      const device = await rawSubscription(server.url, ann.token, 'events.live', room.id, {
        format: 3,
      });
      await device.next('presence.snapshot');
      device.close();
    });
    expect(writes).toEqual([
      [
        'started',
        'message.created',
        'message.created',
        'message.created',
        'sync',
        'presence.snapshot',
      ],
    ]);
    ann.close();
  });

  it('writes the started, sync and presence snapshot of a new device in one write', async () => {
    const bob = await signUp(server.url, 'bob');
    const room = await bob.api.room.create.mutate({ kind: 'private', name: 'new device' });
    const writes = await writesDuring(async () => {
      const device = await rawSubscription(server.url, bob.token, 'events.live', room.id, {
        format: 3,
        cursors: {},
        resume: false,
      });
      await device.next('presence.snapshot');
      device.close();
    });
    expect(writes).toEqual([['started', 'sync', 'presence.snapshot']]);
    bob.close();
  });
});
