// Without zod (see conversation-rules.ts): the SDK expands every event it receives with it, and
// the server slims every event it sends on `events.live`.
import type { EpochMs, RoomId, Seq, UserId } from './ids.js';
import type { Message } from './models.js';
import type { StreamEvent } from './stream.js';

/**
 * A message as `events.live` carries it inside `message.created`: what its envelope already
 * says is not repeated. `roomId` and `seq` are the event's; `createdAt` is the event's `at` and
 * is present only when it differs; `editedAt` and `deletedAt` are present only when set (a new
 * message has neither; one backfilled after it was edited or deleted has them).
 */
export type LiveMessage = Omit<
  Message,
  'roomId' | 'seq' | 'createdAt' | 'editedAt' | 'deletedAt'
> & {
  createdAt?: EpochMs;
  editedAt?: EpochMs;
  deletedAt?: EpochMs;
};

/**
 * `message.created` in stream format 2: as format 1's without the repeats. `actorId` is the
 * message's `authorId` and is present only when it differs.
 */
export interface LiveMessageCreated {
  type: 'message.created';
  roomId: RoomId;
  seq: Seq;
  at: EpochMs;
  actorId?: UserId;
  message: LiveMessage;
}

/**
 * What `events.live` (stream format 2) carries: every StreamEvent as `events.onEvent` sends it,
 * except `message.created`, which is a LiveMessageCreated. `expandEvent` turns one back into
 * the StreamEvent it was made from, field for field.
 */
export type LiveEvent = LiveMessageCreated | Exclude<StreamEvent, { type: 'message.created' }>;

/** A StreamEvent in stream format 2 (see LiveEvent). Other events are returned as they are. */
export function slimEvent(event: StreamEvent): LiveEvent {
  if (event.type !== 'message.created') return event;
  const { roomId: _room, seq: _seq, createdAt, editedAt, deletedAt, ...rest } = event.message;
  const message: LiveMessage = rest;
  if (createdAt !== event.at) message.createdAt = createdAt;
  if (editedAt !== null) message.editedAt = editedAt;
  if (deletedAt !== null) message.deletedAt = deletedAt;
  const slim: LiveMessageCreated = {
    type: event.type,
    roomId: event.roomId,
    seq: event.seq,
    at: event.at,
    message,
  };
  if (event.actorId !== rest.authorId) slim.actorId = event.actorId;
  return slim;
}

/**
 * `message.created` in stream format 3 (`events.live` asked with `format: 3`): format 2's with
 * the message's own fields in the event itself rather than under `message`, and `clientMsgId`
 * only on its author's devices (the only ones it means anything to; it is the key the author's
 * device sent it with). The envelope's fields and a message's never share a name.
 */
export type FlatMessageCreated = Omit<LiveMessageCreated, 'message'> & LiveMessage;

/**
 * `presence.snapshot` in stream format 3 asked with `snapshot: 'ids'` (LiveInput): who is online
 * and who is away, as two lists of ids, rather than a PresenceState each. A snapshot lists only
 * people online or away, whose `lastSeenAt` is null, so nothing is lost but the order between
 * the two lists: expanded, the people online come first. Every device gets one when its stream
 * starts (up to LIMITS.presenceSnapshotMax people), so it is often the largest frame a
 * connection reads: in a room of 200 people online, ~5 KB instead of ~13. Asked for, not
 * implied by format 3, so that a client from before it (a browser tab left open across a
 * deploy) keeps getting the snapshot it reads.
 */
export interface IdsPresenceSnapshot {
  type: 'presence.snapshot';
  online: UserId[];
  away: UserId[];
}

/**
 * What `events.live` carries in format 3: FlatMessageCreated, every other event as format 1;
 * with `snapshot: 'ids'`, the presence snapshot as an IdsPresenceSnapshot.
 */
export type FlatEvent =
  | FlatMessageCreated
  | IdsPresenceSnapshot
  | Exclude<StreamEvent, { type: 'message.created' }>;

/** Whether `userId`'s devices get the author's copy of `event` in format 3: it is their message. */
export function isAuthorsCopy(event: StreamEvent, userId: string): boolean {
  return event.type === 'message.created' && event.message.authorId === userId;
}

/**
 * A StreamEvent in stream format 3, for a device of the message's author (`toAuthor`, see
 * isAuthorsCopy) or of anyone else.
 */
export function flatEvent(event: StreamEvent, toAuthor: boolean): FlatEvent {
  const slim = slimEvent(event);
  if (slim.type !== 'message.created') return slim;
  const { message, ...envelope } = slim;
  const { clientMsgId, ...fields } = message;
  const flat: FlatMessageCreated = { ...envelope, ...fields };
  if (toAuthor && clientMsgId !== undefined) flat.clientMsgId = clientMsgId;
  return flat;
}

/**
 * A format 3 event as format 3 asked with `snapshot: 'ids'` writes it: a presence snapshot as an
 * IdsPresenceSnapshot, unless it lists someone offline or a last-seen time (the server's never
 * do); any other event as it is.
 */
export function idsSnapshot(event: FlatEvent): FlatEvent {
  if (event.type !== 'presence.snapshot' || !('users' in event)) return event;
  const ids: IdsPresenceSnapshot = { type: 'presence.snapshot', online: [], away: [] };
  for (const { userId, status, lastSeenAt } of event.users) {
    if (status === 'offline' || lastSeenAt !== null) return event;
    ids[status].push(userId);
  }
  return ids;
}

/** An IdsPresenceSnapshot's people as PresenceStates: those online, then those away. */
function expandSnapshot(event: IdsPresenceSnapshot): StreamEvent {
  const state = (status: 'online' | 'away') => (userId: UserId) => ({
    userId,
    status,
    lastSeenAt: null,
  });
  return {
    type: 'presence.snapshot',
    users: [...event.online.map(state('online')), ...event.away.map(state('away'))],
  };
}

/** A format 3 message.created's message: what is not its envelope. */
function flatMessage(event: FlatMessageCreated): LiveMessage {
  const { type: _type, roomId: _room, seq: _seq, at: _at, actorId: _actor, ...message } = event;
  return message;
}

/**
 * The StreamEvent a LiveEvent or a FlatEvent was made from (the inverse of slimEvent and of
 * flatEvent; a format 3 message reaching someone other than its author has no clientMsgId, and
 * a format 3 presence snapshot lists the people online before those away).
 * Takes either format, so a client that asked for format 3 also reads a server that only knows
 * format 2 (which ignores the request's `format`).
 */
export function expandEvent(event: LiveEvent | FlatEvent): StreamEvent {
  if (event.type === 'presence.snapshot' && !('users' in event)) return expandSnapshot(event);
  if (event.type !== 'message.created') return event;
  const { createdAt, editedAt, deletedAt, ...rest } =
    'message' in event ? event.message : flatMessage(event);
  return {
    type: event.type,
    roomId: event.roomId,
    seq: event.seq,
    actorId: event.actorId ?? rest.authorId,
    at: event.at,
    message: {
      ...rest,
      roomId: event.roomId,
      seq: event.seq,
      createdAt: createdAt ?? event.at,
      editedAt: editedAt ?? null,
      deletedAt: deletedAt ?? null,
    },
  };
}
