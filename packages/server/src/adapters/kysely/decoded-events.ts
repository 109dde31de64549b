import type { RoomEvent } from '@confab/contracts';
import { toEvent } from './rows.js';

/** Decoded events kept for reuse, at most (a backfill page is up to 500 events). */
const DECODED_EVENTS_MAX = 2048;

/**
 * Decodes log rows, handing out the same event object for a payload decoded before. After a
 * restart every device of a room resumes from about the same seq: each reads the log itself
 * (what it reads is as fresh as before), but the rows it gets are those its neighbours just
 * got, and decoding them to new objects made the stream formats (http/stream-formats.ts, which
 * encode once per event object) encode every event again for every device: a parse and a
 * stringify per event per device, about a third of a resume storm's server CPU.
 * Keyed by the payload itself, so a payload rewritten in place (a deleted message's scrub)
 * is a new key, never an old object. Events are never changed once built (the bus hands one
 * object to every device too), so sharing them is safe.
 */
export function createEventDecoder(): (row: { payload: string }) => RoomEvent {
  const decoded = new Map<string, RoomEvent>();
  return (row) => {
    let event = decoded.get(row.payload);
    if (!event) {
      event = toEvent(row);
      // Oldest first out: a Map iterates in insertion order.
      if (decoded.size >= DECODED_EVENTS_MAX) {
        const oldest = decoded.keys().next();
        if (!oldest.done) decoded.delete(oldest.value);
      }
      decoded.set(row.payload, event);
    }
    return event;
  };
}
