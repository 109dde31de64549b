import {
  flatEvent,
  idsSnapshot,
  isAuthorsCopy,
  LiveInput,
  type StreamEvent,
  slimEvent,
} from '@confab/contracts';
import { TRPCError } from '@trpc/server';
import { OnEventInput } from '../routers/events.js';
import { eventId, streamStart } from '../services/stream.js';
import { type SharedFrame, textFrame } from './frames.js';
import { eventJson, snapshotJson } from './snapshot-json.js';

/**
 * How a device stream's events are written, in one of the three stream formats:
 *
 * - format 1, `events.onEvent`: every event tracked (`roomId:seq~position`), so the unmodified
 *   tRPC client's own reconnect resumes from the last id it saw (see ResumePoints);
 * - format 2, `events.live`: events untracked and `message.created` slimmed (LiveEvent in the
 *   contracts), for clients that resume from cursors they keep. About 40% fewer bytes per
 *   message delivered, and no resume point kept per stream;
 * - format 3, `events.live` asked with `format: 3` (the SDK does): as format 2, with a
 *   message's fields in the event and its clientMsgId only on its author's devices (FlatEvent);
 *   asked with `snapshot: 'ids'` too (the SDK does), the presence snapshot as two lists of ids.
 *
 * Each event is encoded once per format (and, in format 3, once more for its author's devices)
 * and shared by every connection that carries it.
 */
export interface StreamFormat {
  /** The subscription procedure that streams in this format. */
  readonly path: 'events.onEvent' | 'events.live';
  /**
   * Checks a stream's raw input (tRPC's `lastEventId` folded in), refusing a malformed one with
   * BAD_REQUEST; returns the format the input asks for (format 3 from `events.live`'s), and
   * where the stream starts, once its session is known.
   */
  accept(rawInput: unknown): AcceptedStream;
  /**
   * An event every connection of this format may share, as a WebSocket frame after `prefix`;
   * `viewerId` is the user the stream is for (format 3 writes a message one way for its
   * author's devices and another for everyone else's).
   */
  wsFrame(event: StreamEvent, prefix: string, viewerId: string): SharedFrame;
  /** The JSON of an event only one connection gets (its sync point, its presence snapshot). */
  ownWsJson(event: StreamEvent, prefix: string): string;
  /** A shared event as a server-sent event, in the bytes tRPC's SSE producer writes. */
  sseFrame(event: StreamEvent, viewerId: string): Buffer;
  /** An event only one SSE stream gets, left a string (Node frees it once written). */
  ownSse(event: StreamEvent): string;
}

/** A stream's input, checked: the format it is written in, and where it starts. */
export interface AcceptedStream {
  format: StreamFormat;
  startFor(sessionId: string): StreamStartPoint;
}

/** Where a stream starts; a tracked stream also has its key in ResumePoints. */
export interface StreamStartPoint {
  cursors: Record<string, number>;
  resume: boolean;
  resumeKey?: string;
}

/** An event's JSON in one format, and its frames once a transport asked for them. */
interface Encoded {
  json: string;
  /** Tracked format: the id every device gets (its position is stamped once, when encoded). */
  id: string;
  /** WebSocket frames by prefix (wsLink numbers subscriptions per client: most devices share a few). */
  ws: Map<string, SharedFrame> | undefined;
  sse: Buffer | undefined;
}

/** How a format encodes an event, for the author's devices (`toAuthor`) or for everyone's. */
type Encode = (event: StreamEvent, toAuthor: boolean) => { json: string; id: string };

/** The encodings of each event, kept as long as the event object lives (one per bus publish). */
function encodingCache(encode: Encode) {
  const forAll = new WeakMap<StreamEvent, Encoded>();
  const forAuthor = new WeakMap<StreamEvent, Encoded>();
  return (event: StreamEvent, toAuthor: boolean): Encoded => {
    const encodings = toAuthor ? forAuthor : forAll;
    let entry = encodings.get(event);
    if (!entry) {
      entry = { ...encode(event, toAuthor), ws: undefined, sse: undefined };
      encodings.set(event, entry);
    }
    return entry;
  };
}

/**
 * A data result in tRPC's shape after the frame's `{"id":…,` prefix; tracked when `id` is set.
 * An untracked result leaves out `"type":"data"`: tRPC's protocol makes `type` optional on a
 * data result (TRPCResult), and its clients read a result without one as data. That is 14 bytes
 * of every format 2 and 3 frame.
 */
function resultJson(json: string, id: string): string {
  if (!id) return `"result":{"data":${json}}}`;
  const quoted = JSON.stringify(id);
  return `"result":{"type":"data","data":{"id":${quoted},"data":${json}},"id":${quoted}}}`;
}

/** An SSE message as tRPC writes it: `data:`, then `id:` when tracked, then the blank lines. */
const sseData = (json: string, id: string) =>
  id ? `data: ${json}\nid: ${id}\n\n\n` : `data: ${json}\n\n\n`;

/**
 * A format. `byAuthor`: a message reaches its author's devices in other bytes than everyone
 * else's (format 3), so an event has two shared encodings.
 */
function format(
  path: StreamFormat['path'],
  accept: (rawInput: unknown, self: StreamFormat) => AcceptedStream,
  encode: Encode,
  byAuthor = false,
): StreamFormat {
  const encoded = encodingCache(encode);
  const toAuthor = (event: StreamEvent, viewerId: string) =>
    byAuthor && isAuthorsCopy(event, viewerId);
  // The last frame handed out: a fan-out asks for the same one device after device, and this
  // answers without the two lookups (the event's encodings, then the prefix's frame).
  let last: { event: StreamEvent; mine: boolean; prefix: string; frame: SharedFrame } | undefined;
  const self: StreamFormat = {
    path,
    accept: (raw) => accept(raw, self),
    wsFrame: (event, prefix, viewerId) => {
      const mine = toAuthor(event, viewerId);
      if (last && last.event === event && last.mine === mine && last.prefix === prefix)
        return last.frame;
      const entry = encoded(event, mine);
      entry.ws ??= new Map();
      let frame = entry.ws.get(prefix);
      if (!frame) {
        frame = textFrame(`${prefix}${resultJson(entry.json, entry.id)}`);
        entry.ws.set(prefix, frame);
      }
      last = { event, mine, prefix, frame };
      return frame;
    },
    // A device's own events (its sync point, its presence snapshot) are never a message.
    ownWsJson: (event, prefix) => {
      const { json, id } = encode(event, false);
      return `${prefix}${resultJson(json, id)}`;
    },
    sseFrame: (event, viewerId) => {
      const entry = encoded(event, toAuthor(event, viewerId));
      entry.sse ??= Buffer.from(sseData(entry.json, entry.id));
      return entry.sse;
    },
    ownSse: (event) => {
      const { json, id } = encode(event, false);
      return sseData(json, id);
    },
  };
  return self;
}

function parsed<T>(result: { success: true; data: T } | { success: false; error: unknown }): T {
  if (!result.success) throw new TRPCError({ code: 'BAD_REQUEST', cause: result.error });
  return result.data;
}

/** Format 1: `events.onEvent`, tracked, as tRPC's own adapters would write it. */
export const TRACKED_FORMAT = format(
  'events.onEvent',
  (raw, self) => {
    const input = parsed(OnEventInput.safeParse(raw));
    return { format: self, startFor: (sessionId) => streamStart(sessionId, input) };
  },
  (event) => ({ json: eventJson(event), id: eventId(event) }),
);

/** Format 3: `events.live` asked with `format: 3`, untracked and flat (FlatEvent). */
export const FLAT_FORMAT = format(
  'events.live',
  (raw) => LIVE_FORMAT.accept(raw),
  (event, toAuthor) => ({ json: eventJson(flatEvent(event, toAuthor)), id: '' }),
  true,
);

/** A device's own event in format 3 asked with `snapshot: 'ids'` (IdsPresenceSnapshot). */
function idsJson(event: StreamEvent): string {
  const encode = () => eventJson(idsSnapshot(flatEvent(event, false)));
  return event.type === 'presence.snapshot' ? snapshotJson(event.users, 'ids', encode) : encode();
}

/**
 * Format 3 asked with `snapshot: 'ids'`: format 3, with the presence snapshot as two lists of
 * ids. Only a device's own events differ (the snapshot is one), so the events devices share keep
 * format 3's one encoding whichever a device asked for.
 */
const FLAT_IDS_FORMAT: StreamFormat = {
  ...FLAT_FORMAT,
  ownWsJson: (event, prefix) => `${prefix}${resultJson(idsJson(event), '')}`,
  ownSse: (event) => sseData(idsJson(event), ''),
};

/** Format 2: `events.live`, untracked and slim (LiveEvent); format 3 when the input asks. */
export const LIVE_FORMAT: StreamFormat = format(
  'events.live',
  (raw, self) => {
    const { format: wanted, snapshot, ...start } = parsed(LiveInput.safeParse(raw));
    const flat = snapshot === 'ids' ? FLAT_IDS_FORMAT : FLAT_FORMAT;
    return { format: wanted === 3 ? flat : self, startFor: () => start };
  },
  (event) => ({ json: eventJson(slimEvent(event)), id: '' }),
);

/** The stream format of a procedure (`events.live`), or undefined for any other procedure. */
export function streamFormatOf(procedure: string): StreamFormat | undefined {
  if (procedure === TRACKED_FORMAT.path) return TRACKED_FORMAT;
  if (procedure === LIVE_FORMAT.path) return LIVE_FORMAT;
  return undefined;
}

/** The stream format a request's URL path (`/trpc/events.live`) names, if any. */
export const streamFormatAt = (urlPath: string): StreamFormat | undefined =>
  streamFormatOf(urlPath.slice(urlPath.lastIndexOf('/') + 1));
