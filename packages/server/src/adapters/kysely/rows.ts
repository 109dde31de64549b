import type {
  FileInfo,
  Member,
  Message,
  Role,
  Room,
  RoomEvent,
  RoomKind,
  User,
} from '@confab/contracts';
import type { Selectable } from 'kysely';
import type { NewMessage, StoredMessage } from '../../ports/store.js';
import type { Database } from './schema.js';

// Row -> domain mappers. PostgreSQL returns bigint columns as strings unless told otherwise; the
// pool is told (see connect.ts), but Number() here keeps the mappers honest on both dialects.

/** A user's `avatarVersion` field: present only when they have an avatar. */
function avatarOf(version: number | null | undefined): { avatarVersion?: number } {
  return version === null || version === undefined ? {} : { avatarVersion: Number(version) };
}

export function toUser(
  row: Pick<Selectable<Database['users']>, 'id' | 'username' | 'display_name' | 'created_at'> & {
    avatar_version?: number | null;
  },
): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    createdAt: Number(row.created_at),
    ...avatarOf(row.avatar_version),
  };
}

export function toRoom(row: Selectable<Database['rooms']>): Room {
  return {
    id: row.id,
    kind: row.kind as RoomKind,
    name: row.name,
    topic: row.topic,
    createdAt: Number(row.created_at),
    lastSeq: Number(row.last_seq),
    lastActivityAt: Number(row.last_activity_at),
  };
}

/**
 * A messages row as the contracts' Message, with its thread summary and pin (reactions are read
 * separately). Optional fields are set only when they say something, so a plain message stays
 * as small on the wire as it was before replies, threads and mentions existed.
 */
export function toMessage(row: Selectable<Database['messages']>): StoredMessage {
  const message: StoredMessage = {
    id: row.id,
    roomId: row.room_id,
    seq: Number(row.seq),
    authorId: row.author_id,
    clientMsgId: row.client_msg_id,
    body: row.body,
    createdAt: Number(row.created_at),
    editedAt: row.edited_at === null ? null : Number(row.edited_at),
    deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
  };
  if (row.reply_to_id) message.replyToId = row.reply_to_id;
  if (row.thread_id) message.threadId = row.thread_id;
  if (Number(row.also_in_room) === 1) message.alsoInRoom = true;
  if (row.mentions) message.mentions = JSON.parse(row.mentions) as string[];
  if (Number(row.mentions_room) === 1) message.mentionsRoom = true;
  if (row.attachments) message.attachments = JSON.parse(row.attachments) as FileInfo[];
  if (row.pinned_by && row.pinned_at !== null) {
    message.pinned = { by: row.pinned_by, at: Number(row.pinned_at) };
  }
  if (Number(row.reply_count) > 0 && row.last_reply_at !== null && row.last_reply_author_id) {
    message.thread = {
      replyCount: Number(row.reply_count),
      lastReplyAt: Number(row.last_reply_at),
      lastReplyAuthorId: row.last_reply_author_id,
    };
  }
  return message;
}

export function toMember(row: {
  user_id: string;
  username: string;
  display_name: string;
  role: string;
  joined_at: number;
  avatar_version?: number | null;
}): Member {
  return {
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    joinedAt: Number(row.joined_at),
    ...avatarOf(row.avatar_version),
  };
}

/** The log stores events as the JSON the contracts define; they were validated when written. */
export function toEvent(row: { payload: string }): RoomEvent {
  return JSON.parse(row.payload) as RoomEvent;
}

/** A unique-constraint violation, on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/** A new message at `seq`: the message, its `message.created` event, and its messages row. */
/** The columns a new message is inserted with: every one set, so its INSERT has one shape. */
export const NEW_MESSAGE_COLUMNS = [
  'id',
  'room_id',
  'seq',
  'author_id',
  'client_msg_id',
  'body',
  'created_at',
  'edited_at',
  'deleted_at',
  'reply_to_id',
  'thread_id',
  'also_in_room',
  'mentions',
  'mentions_room',
  'attachments',
] as const;
export type NewMessageRow = Pick<
  Selectable<Database['messages']>,
  (typeof NEW_MESSAGE_COLUMNS)[number]
>;

/** `files`: the attachments the send claimed (claimAttachments), in order. */
export function createdMessage(m: NewMessage, seq: number, files?: readonly FileInfo[]) {
  const message: Message = {
    id: m.id,
    roomId: m.roomId,
    seq,
    authorId: m.authorId,
    clientMsgId: m.clientMsgId,
    body: m.body,
    createdAt: m.at,
    editedAt: null,
    deletedAt: null,
  };
  if (m.replyToId) message.replyToId = m.replyToId;
  if (m.threadId) message.threadId = m.threadId;
  if (m.threadId && m.alsoInRoom) message.alsoInRoom = true;
  if (m.mentions && m.mentions.length > 0) message.mentions = [...m.mentions];
  if (m.mentionsRoom) message.mentionsRoom = true;
  if (files && files.length > 0) message.attachments = [...files];
  const event = {
    type: 'message.created' as const,
    roomId: m.roomId,
    seq,
    actorId: m.authorId,
    at: m.at,
    message,
  } satisfies RoomEvent;
  const messageRow: NewMessageRow = {
    id: m.id,
    room_id: m.roomId,
    seq,
    author_id: m.authorId,
    client_msg_id: m.clientMsgId,
    body: m.body,
    created_at: m.at,
    edited_at: null,
    deleted_at: null,
    reply_to_id: message.replyToId ?? null,
    thread_id: message.threadId ?? null,
    also_in_room: message.alsoInRoom ? 1 : 0,
    mentions: message.mentions ? JSON.stringify(message.mentions) : null,
    mentions_room: message.mentionsRoom ? 1 : 0,
    attachments: message.attachments ? JSON.stringify(message.attachments) : null,
  };
  return { message, event, messageRow };
}
