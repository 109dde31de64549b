import * as z from 'zod';
import { MessageId, RoomId, Seq, SessionId, UserId } from './ids.js';
import { LIMITS } from './limits.js';
import { alsoInRoomNeedsThread, bodyOrFiles, MessageBody, sendFields } from './message-fields.js';
import { Role } from './models.js';
import { singleLineText, storableText } from './text.js';

/** Usernames are case-insensitive: stored and compared in lower case. */
export const Username = z
  .string()
  .trim()
  .check(singleLineText('Username'))
  .toLowerCase()
  .min(LIMITS.usernameMinChars, `Username needs at least ${LIMITS.usernameMinChars} characters`)
  .max(LIMITS.usernameMaxChars, `Username can have at most ${LIMITS.usernameMaxChars} characters`)
  .regex(/^[a-z0-9_]+$/, 'Username may contain only letters, digits and _');

export const DisplayName = z
  .string()
  .trim()
  .check(singleLineText('Display name'))
  .min(1, 'Display name is required')
  .max(
    LIMITS.displayNameMaxChars,
    `Display name can have at most ${LIMITS.displayNameMaxChars} characters`,
  );

/**
 * Any text but NUL and lone surrogates: the hash is taken over UTF-8, which encodes every lone
 * surrogate as U+FFFD, so two different passwords would both match.
 */
export const Password = z
  .string()
  .check(storableText('Password'))
  .min(LIMITS.passwordMinChars, `Password needs at least ${LIMITS.passwordMinChars} characters`)
  .max(LIMITS.passwordMaxChars, `Password can have at most ${LIMITS.passwordMaxChars} characters`);

export const DeviceLabel = z
  .string()
  .trim()
  .check(singleLineText('Device label'))
  .min(1)
  .max(
    LIMITS.deviceLabelMaxChars,
    `Device label can have at most ${LIMITS.deviceLabelMaxChars} characters`,
  );

export const RoomName = z
  .string()
  .trim()
  .check(singleLineText('Room name'))
  .min(1, 'Room name is required')
  .max(LIMITS.roomNameMaxChars, `Room name can have at most ${LIMITS.roomNameMaxChars} characters`);

export const RoomTopic = z
  .string()
  .trim()
  .check(singleLineText('Topic'))
  .max(LIMITS.roomTopicMaxChars, `Topic can have at most ${LIMITS.roomTopicMaxChars} characters`);

export const RegisterInput = z.object({
  username: Username,
  displayName: DisplayName,
  password: Password,
  deviceLabel: DeviceLabel.optional(),
});
export type RegisterInput = z.input<typeof RegisterInput>;

export const LoginInput = z.object({
  username: Username,
  password: z
    .string()
    .check(storableText('Password'))
    .min(1, 'Password is required')
    .max(LIMITS.passwordMaxChars),
  deviceLabel: DeviceLabel.optional(),
});
export type LoginInput = z.input<typeof LoginInput>;

export const RevokeSessionInput = z.object({ sessionId: SessionId });

export const CreateRoomInput = z.object({
  kind: z.enum(['public', 'private']),
  name: RoomName,
  topic: RoomTopic.default(''),
});
export type CreateRoomInput = z.input<typeof CreateRoomInput>;

export const UpdateRoomInput = z
  .object({
    roomId: RoomId,
    name: RoomName.optional(),
    topic: RoomTopic.optional(),
    /** Make the room public (listed, anyone may join) or private (invitation only). */
    kind: z.enum(['public', 'private']).optional(),
  })
  .refine(
    (v) => v.name !== undefined || v.topic !== undefined || v.kind !== undefined,
    'Give a name, a topic or a kind to change',
  );

/**
 * The owner changes a member's role; `owner` hands the room over (the previous owner becomes an
 * admin).
 */
export const SetRoleInput = z.object({ roomId: RoomId, userId: UserId, role: Role });
export type SetRoleInput = z.input<typeof SetRoleInput>;

/**
 * People of a room by id: its members, anyone who wrote in it before leaving, and former members
 * its log names, so that their messages and the notices about them ("Cat left") keep their name.
 * Other ids are left out.
 */
export const RoomPeopleInput = z.object({
  roomId: RoomId,
  userIds: z.array(UserId).min(1).max(LIMITS.historyPageMax),
});

export const RoomRef = z.object({ roomId: RoomId });
export const InviteInput = z.object({ roomId: RoomId, username: Username });
export const RemoveMemberInput = z.object({ roomId: RoomId, userId: UserId });
export const OpenDirectInput = z.object({ username: Username });

export const ListPublicRoomsInput = z
  .object({
    /** Case-insensitive substring of the room name. */
    query: z
      .string()
      .trim()
      .check(singleLineText('Search'))
      .max(LIMITS.roomNameMaxChars)
      .optional(),
    limit: z.number().int().min(1).max(LIMITS.roomListMax).default(50),
  })
  .default({ limit: 50 });

export const SendInput = z
  .object(sendFields)
  .refine(bodyOrFiles.check, bodyOrFiles.params)
  .refine(alsoInRoomNeedsThread.check, alsoInRoomNeedsThread.params);
export type SendInput = z.input<typeof SendInput>;

export const EditInput = z.object({ roomId: RoomId, messageId: MessageId, body: MessageBody });
export const DeleteInput = z.object({ roomId: RoomId, messageId: MessageId });

export const HistoryInput = z
  .object({
    roomId: RoomId,
    /** Messages with a seq below this one; newest first page when absent. */
    beforeSeq: Seq.optional(),
    /**
     * Messages with a seq above this one, oldest first (paging forward from a message link's
     * context); `hasMore` then says whether newer ones exist.
     */
    afterSeq: Seq.optional(),
    limit: z.number().int().min(1).max(LIMITS.historyPageMax).default(LIMITS.historyPageDefault),
  })
  .refine(
    (v) => v.beforeSeq === undefined || v.afterSeq === undefined,
    'Give beforeSeq or afterSeq, not both',
  );
export type HistoryInput = z.input<typeof HistoryInput>;

export const EventsAfterInput = z.object({
  roomId: RoomId,
  afterSeq: Seq,
  limit: z.number().int().min(1).max(LIMITS.eventsAfterMax).default(LIMITS.eventsAfterMax),
});

export const MarkReadInput = z.object({ roomId: RoomId, seq: Seq });

/** The device's user is (in)active: a hidden tab or an idle screen reports false. */
export const SetActiveInput = z.object({ active: z.boolean() });

export const TypingInput = z.object({ roomId: RoomId });

/** Presence of up to 500 users; only people who share a room with the caller are answered. */
export const PresenceOfInput = z.object({ userIds: z.array(UserId).min(1).max(500) });

/** The caller's profile as others see it (the avatar has its own HTTP route, AVATAR_ROUTES). */
export const UpdateProfileInput = z.object({ displayName: DisplayName });
export type UpdateProfileInput = z.input<typeof UpdateProfileInput>;

export const UpdateSettingsInput = z.object({
  /** Whether others see how far this user has read (their receipts). */
  shareReadReceipts: z.boolean(),
});
