import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { canWriteDirect, framePrefix, sendShared, sendText, textFrame } from './frames.js';

describe('textFrame', () => {
  // RFC 6455 §5.2: 7-bit length up to 125, then 126 + 16 bits, then 127 + 64 bits.
  it.each([
    [0, 2],
    [125, 2],
    [126, 4],
    [65_535, 4],
    [65_536, 10],
  ])('frames %i bytes of text with a %i-byte header', (length, header) => {
    const json = 'x'.repeat(length);
    const { wire, payload } = textFrame(json);
    expect(wire.length).toBe(header + length);
    expect(wire[0]).toBe(0x81);
    const declared =
      header === 2
        ? wire[1]
        : header === 4
          ? wire.readUInt16BE(2)
          : Number(wire.readBigUInt64BE(2));
    expect(declared).toBe(length);
    expect(payload.toString()).toBe(json);
  });

  it('counts bytes, not characters', () => {
    const { wire, payload } = textFrame('"é😀"');
    expect(wire[1]).toBe(Buffer.byteLength('"é😀"'));
    expect(payload.toString()).toBe('"é😀"');
  });
});

describe('framePrefix', () => {
  it("starts a frame with the request's id as JSON, and the jsonrpc member when it had one", () => {
    expect(framePrefix(1, false)).toBe('{"id":1,');
    expect(framePrefix(1, true)).toBe('{"id":1,"jsonrpc":"2.0",');
    expect(framePrefix(63, true)).toBe('{"id":63,"jsonrpc":"2.0",');
    expect(framePrefix(64, false)).toBe('{"id":64,');
    expect(framePrefix(-1, false)).toBe('{"id":-1,');
    expect(framePrefix(1.5, false)).toBe('{"id":1.5,');
    expect(framePrefix('7', false)).toBe('{"id":"7",');
    expect(framePrefix('a"b', true)).toBe('{"id":"a\\"b","jsonrpc":"2.0",');
    // A small id asked for again, either way, answers the same as the first time.
    expect([framePrefix(1, false), framePrefix(1, true)]).toEqual([
      '{"id":1,',
      '{"id":1,"jsonrpc":"2.0",',
    ]);
  });
});

describe('sendShared', () => {
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    for (const client of wss?.clients ?? []) client.terminate();
    await new Promise((resolve) => wss?.close(resolve));
  });

  /** A server socket and its client, and the text frames the client receives (`count` of them). */
  async function pair() {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    const { port } = wss.address() as AddressInfo;
    const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    const [server] = await accepted;
    await once(client, 'open');
    const received: string[] = [];
    const receive = (count: () => number) =>
      new Promise<string[]>((resolve) => {
        client.on('message', (data: Buffer, isBinary: boolean) => {
          expect(isBinary).toBe(false);
          received.push(data.toString());
          if (received.length === count()) resolve(received);
        });
      });
    return { server, client, receive };
  }

  it('writes shared frames directly, in order with ws.send, and the client reads them all', async () => {
    const { server, client, receive } = await pair();
    // With this version of ws the direct write is taken (if its internals change, this fails
    // and the fallback, ws.send, is what runs: correct but slower).
    expect(canWriteDirect(server)).toBe(true);

    const sizes = [1, 125, 126, 4000, 65_536, 3];
    const expected: string[] = [];
    const all = receive(() => sizes.length * 2);
    const shared = textFrame(JSON.stringify({ shared: true }));
    for (const [i, size] of sizes.entries()) {
      const own = JSON.stringify({ i, pad: 'p'.repeat(size) });
      sendShared(server, textFrame(own));
      server.send(JSON.stringify({ i, via: 'ws.send' }));
      expected.push(own, JSON.stringify({ i, via: 'ws.send' }));
    }
    expect(await all).toEqual(expected);
    // One frame object serves any number of sockets: its bytes are never changed by a send.
    const before = Buffer.from(shared.wire);
    sendShared(server, shared);
    sendShared(server, shared);
    expect(shared.wire.equals(before)).toBe(true);
    client.close();
  });

  it('sendText frames a string in order with shared frames and ws.send, any size or script', async () => {
    const { server, client, receive } = await pair();
    const sizes = [0, 125, 126, 20_000, 65_536, 2];
    const expected: string[] = [];
    const all = receive(() => expected.length);
    for (const [i, size] of sizes.entries()) {
      const own = JSON.stringify({ i, pad: 'é'.repeat(size) });
      const shared = JSON.stringify({ i, shared: true });
      expected.push(own, shared, `{"i":${i}}`);
      sendText(server, own);
      sendShared(server, textFrame(shared));
      server.send(`{"i":${i}}`);
    }
    expect(await all).toEqual(expected);
    client.close();
  });
});
