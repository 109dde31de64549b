import type { StreamEvent } from '@confab/contracts';
import type { WebSocket } from 'ws';
import { eventId } from '../services/stream.js';

/**
 * The bytes of a tracked subscription event frame, built once per event and subscription id and
 * shared by every connection that gets it (wsLink numbers subscriptions per client, so most
 * devices use the same few ids). The shape is tRPC's:
 * `{"id":<sub>,"result":{"type":"data","data":{"id":"<roomId:seq>","data":<event>},"id":"<roomId:seq>"}}`.
 */
const frames = new WeakMap<object, { tail: string; byPrefix: Map<string, SharedFrame> }>();

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
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const wire = Buffer.allocUnsafe(header + length);
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
  wire.write(json, header);
  return { payload: wire.subarray(header), wire };
}

export function eventFrame(event: StreamEvent, prefix: string): SharedFrame {
  let entry = frames.get(event);
  if (!entry) {
    const id = JSON.stringify(eventId(event));
    entry = {
      tail: `"result":{"type":"data","data":{"id":${id},"data":${JSON.stringify(event)}},"id":${id}}}`,
      byPrefix: new Map(),
    };
    frames.set(event, entry);
  }
  let frame = entry.byPrefix.get(prefix);
  if (!frame) {
    frame = textFrame(prefix + entry.tail);
    entry.byPrefix.set(prefix, frame);
  }
  return frame;
}

/** Frames are JSON text even when handed over as a Buffer. */
const TEXT_FRAME = { binary: false } as const;

/** What of `ws`'s internals the direct write relies on (ws 8: `_socket`, `_sender`). */
interface WsInternals {
  _socket?: { write(chunk: Buffer): boolean } | null;
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

/**
 * Sends a shared frame on an open socket. ws.send would build a header per connection and
 * write header and payload as two chunks (one writev); the frame was built once, so this is a
 * single write of the same bytes for every device. Falls back to ws.send when ws is busy.
 */
export function sendShared(ws: WebSocket, frame: SharedFrame): void {
  if (canWriteDirect(ws)) (ws as unknown as WsInternals)._socket?.write(frame.wire);
  else ws.send(frame.payload, TEXT_FRAME);
}

/** The start of every frame answering request `id` (with `"jsonrpc":"2.0"` when it had one). */
export function framePrefix(id: string | number, jsonrpc: boolean): string {
  return `{"id":${JSON.stringify(id)},${jsonrpc ? '"jsonrpc":"2.0",' : ''}`;
}
