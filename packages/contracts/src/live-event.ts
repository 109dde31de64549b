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

/** The StreamEvent a LiveEvent was made from (the inverse of slimEvent). */
export function expandEvent(event: LiveEvent): StreamEvent {
  if (event.type !== 'message.created') return event;
  const { createdAt, editedAt, deletedAt, ...rest } = event.message;
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
