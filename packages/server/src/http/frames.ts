import type { Duplex } from 'node:stream';
import type { StreamEvent } from '@confab/contracts';
import type { WebSocket } from 'ws';
import { eventId } from '../services/stream.js';
import { beforeWrite } from './write-coalescing.js';

/**
 * An event encoded once for every transport and connection that carries it: its JSON and
 * tracked id, the WebSocket frames per subscription id and the SSE message. Kept as long as the
 * event object lives (the bus publishes one object to every device).
 */
interface Encoded {
  id: string;
  json: string;
  /** WebSocket frames by prefix (wsLink numbers subscriptions per client: most devices share a few). */
  ws: Map<string, SharedFrame> | undefined;
  sse: Buffer | undefined;
}
const encodings = new WeakMap<StreamEvent, Encoded>();

function encoded(event: StreamEvent): Encoded {
  let entry = encodings.get(event);
  if (!entry) {
    entry = { id: eventId(event), json: JSON.stringify(event), ws: undefined, sse: undefined };
    encodings.set(event, entry);
  }
  return entry;
}

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

/**
 * A tracked subscription event as a WebSocket frame, in tRPC's shape:
 * `{"id":<sub>,"result":{"type":"data","data":{"id":"<roomId:seq>","data":<event>},"id":"<roomId:seq>"}}`.
 */
export function eventFrame(event: StreamEvent, prefix: string): SharedFrame {
  const entry = encoded(event);
  entry.ws ??= new Map();
  let frame = entry.ws.get(prefix);
  if (!frame) {
    frame = textFrame(trackedJson(prefix, entry.id, entry.json));
    entry.ws.set(prefix, frame);
  }
  return frame;
}

/** The JSON of a tracked subscription event in tRPC's shape (see eventFrame). */
function trackedJson(prefix: string, eventId: string, json: string): string {
  const id = JSON.stringify(eventId);
  return `${prefix}"result":{"type":"data","data":{"id":${id},"data":${json}},"id":${id}}}`;
}

/**
 * The JSON of an event only one connection gets (its `sync` point, its presence snapshot), for
 * sendText: nothing is cached, since no other connection will ask for it.
 */
export function ownEventJson(event: StreamEvent, prefix: string): string {
  return trackedJson(prefix, eventId(event), JSON.stringify(event));
}

/**
 * A tracked subscription event as a server-sent event, in the bytes tRPC's SSE producer writes
 * (`data:` then `id:`, then the blank lines): the same for every device.
 */
export function sseEventFrame(event: StreamEvent): Buffer {
  const entry = encoded(event);
  entry.sse ??= Buffer.from(sseData(entry.json, entry.id));
  return entry.sse;
}

/**
 * An event only one SSE stream gets (see ownEventJson), in the same bytes as sseEventFrame, left
 * a string: Node frees a string write's memory once it is written, not at the next GC.
 */
export function ownSseEvent(event: StreamEvent): string {
  return sseData(JSON.stringify(event), eventId(event));
}

/** A tracked event's SSE message as tRPC writes it: `data:`, then `id:`, then the blank lines. */
const sseData = (json: string, id: string) => `data: ${json}\nid: ${id}\n\n\n`;

/** A server-sent event with a name (`connected`, `ping`, `serialized-error`...), as tRPC writes it. */
export function sseNamedFrame(name: string, data: string): string {
  return `event: ${name}\ndata: ${data}\n\n\n`;
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

/** The start of every frame answering request `id` (with `"jsonrpc":"2.0"` when it had one). */
export function framePrefix(id: string | number, jsonrpc: boolean): string {
  return `{"id":${JSON.stringify(id)},${jsonrpc ? '"jsonrpc":"2.0",' : ''}`;
}
