import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { beforeWrite } from './write-coalescing.js';

/** An event's JSON (`payload`) and the whole WebSocket frame carrying it (`wire`). */
export interface SharedFrame {
  payload: Buffer;
  wire: Buffer;
}

/**
 * A final, unmasked text frame (RFC 6455 §5.2) around `json`. Frames from a server are never
 * masked, so the same bytes are right for every connection.
 */
export function textFrame(json: string): SharedFrame {
  const length = Buffer.byteLength(json);
  const header = headerLength(length);
  const wire = Buffer.allocUnsafe(header + length);
  writeHeader(wire, length);
  wire.write(json, header);
  return { payload: wire.subarray(header), wire };
}

const headerLength = (length: number) => (length < 126 ? 2 : length < 65_536 ? 4 : 10);

/** Writes the header of a final text frame of `length` bytes at the start of `wire`. */
function writeHeader(wire: Buffer, length: number): void {
  wire[0] = 0x81; // FIN, opcode 1 (text)
  if (length < 126) {
    wire[1] = length;
  } else if (length < 65_536) {
    wire[1] = 126;
    wire.writeUInt16BE(length, 2);
  } else {
    wire[1] = 127;
    wire.writeBigUInt64BE(BigInt(length), 2);
  }
}

/** Frames are JSON text even when handed over as a Buffer. */
const TEXT_FRAME = { binary: false } as const;

/** What of `ws`'s internals the direct write relies on (ws 8: `_socket`, `_sender`). */
interface WsInternals {
  _socket?: Duplex | null;
  _sender?: { _state?: unknown; _queue?: unknown[] } | null;
}

/**
 * Whether a finished frame can go straight to the socket: the sender is idle (ws 8's state
 * DEFAULT, 0) with nothing queued, so no frame of ws's own can be half-written or waiting to
 * go first. Only compression or a Blob being read makes ws queue; Confab uses neither.
 */
export function canWriteDirect(ws: WebSocket): boolean {
  const { _socket: socket, _sender: sender } = ws as unknown as WsInternals;
  return !!socket && sender?._state === 0 && sender._queue?.length === 0;
}

/** The socket under a WebSocket (ws 8 keeps it as `_socket`), when it has one. */
export function socketOf(ws: WebSocket): Duplex | undefined {
  return (ws as unknown as WsInternals)._socket ?? undefined;
}

/**
 * Sends a shared frame on an open socket. ws.send would build a header per connection and
 * write header and payload as two chunks (one writev); the frame was built once, so this is a
 * single write of the same bytes for every device. Falls back to ws.send when ws is busy. Frames
 * sent to one socket in the same burst of work go out together (write-coalescing.ts).
 */
export function sendShared(ws: WebSocket, frame: SharedFrame): void {
  const socket = directSocket(ws);
  if (socket) socket.write(frame.wire);
  else ws.send(frame.payload, TEXT_FRAME);
}

/**
 * Before a frame is sent: tells write coalescing of the write, and returns the socket when the
 * frame may go straight to it (else it must go through ws.send).
 */
function directSocket(ws: WebSocket): Duplex | undefined {
  const socket = socketOf(ws);
  if (!socket) return undefined;
  beforeWrite(socket);
  return canWriteDirect(ws) ? socket : undefined;
}

/**
 * Sends a frame only this socket gets (a device's own sync point or presence snapshot) with its
 * JSON left a string. A Buffer's memory is malloc'd and freed only when the garbage collector
 * finds the Buffer dead; Node encodes a string write into memory it frees as soon as the write
 * is done. A presence snapshot is kilobytes for every device that connects; as Buffers, those
 * of thousands of devices connecting at once piled up between collections and left a larger,
 * fragmented malloc heap behind (bench rss: ~19 KiB per idle device before, ~9 after). Falls
 * back to ws.send when ws is busy, as sendShared does.
 */
export function sendText(ws: WebSocket, json: string): void {
  const socket = directSocket(ws);
  if (!socket) {
    ws.send(json);
    return;
  }
  const length = Buffer.byteLength(json);
  const header = Buffer.allocUnsafe(headerLength(length));
  writeHeader(header, length);
  // Corked, header and JSON leave in one writev; the JSON's bytes are freed when it returns.
  socket.cork();
  socket.write(header);
  socket.write(json);
  socket.uncork();
}

/** tRPC's keep-alive answer, framed once. */
const PONG = textFrame('PONG').wire;

/**
 * Sends `count` PONG frames in one write and calls `written` once they have left for the kernel
 * (or the socket is gone). One write, whatever the count: PINGs that arrive while an earlier
 * PONG is still waiting on a peer that does not read are counted, not each given a write of its
 * own (each queued write holds a few hundred bytes of the server's memory).
 */
export function sendPongs(ws: WebSocket, count: number, written: () => void): void {
  const frames = count === 1 ? PONG : Buffer.concat(Array.from({ length: count }, () => PONG));
  const socket = directSocket(ws);
  if (socket) {
    socket.write(frames, () => written());
    return;
  }
  for (let i = 1; i < count; i += 1) ws.send('PONG');
  ws.send('PONG', () => written());
}

/**
 * Request ids below this have their prefixes made once and shared: tRPC's wsLink numbers a
 * socket's requests from 1, so the device streams of thousands of sockets have the same few
 * ids, and each socket keeps its prefix while its stream lives (24 bytes of heap apiece).
 */
const SHARED_PREFIX_IDS = 64;
const sharedPrefixes: (string | undefined)[] = new Array(SHARED_PREFIX_IDS * 2);

/** The start of every frame answering request `id` (with `"jsonrpc":"2.0"` when it had one). */
export function framePrefix(id: string | number, jsonrpc: boolean): string {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= SHARED_PREFIX_IDS)
    return makeFramePrefix(id, jsonrpc);
  const slot = id * 2 + (jsonrpc ? 1 : 0);
  let prefix = sharedPrefixes[slot];
  if (prefix === undefined) {
    prefix = makeFramePrefix(id, jsonrpc);
    sharedPrefixes[slot] = prefix;
  }
  return prefix;
}

function makeFramePrefix(id: string | number, jsonrpc: boolean): string {
  return `{"id":${JSON.stringify(id)},${jsonrpc ? '"jsonrpc":"2.0",' : ''}`;
}

/** A server-sent event with a name (`connected`, `ping`, `serialized-error`...), as tRPC writes it. */
export function sseNamedFrame(name: string, data: string): string {
  return `event: ${name}\ndata: ${data}\n\n\n`;
}
