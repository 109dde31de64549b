import type { StreamEvent } from '@confab/contracts';
import { eventId } from '../services/stream.js';

/**
 * The bytes of a tracked subscription event frame, built once per event and subscription id and
 * shared by every connection that gets it (wsLink numbers subscriptions per client, so most
 * devices use the same few ids). The shape is tRPC's:
 * `{"id":<sub>,"result":{"type":"data","data":{"id":"<roomId:seq>","data":<event>},"id":"<roomId:seq>"}}`.
 */
const frames = new WeakMap<object, { tail: string; byPrefix: Map<string, Buffer> }>();

export function eventFrame(event: StreamEvent, prefix: string): Buffer {
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
    frame = Buffer.from(prefix + entry.tail);
    entry.byPrefix.set(prefix, frame);
  }
  return frame;
}

/** The start of every frame answering request `id` (with `"jsonrpc":"2.0"` when it had one). */
export function framePrefix(id: string | number, jsonrpc: boolean): string {
  return `{"id":${JSON.stringify(id)},${jsonrpc ? '"jsonrpc":"2.0",' : ''}`;
}
