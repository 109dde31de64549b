// zod/mini, not zod: the SDK checks a send with SendInputCheck before queueing it, and zod/mini's
// functions tree-shake where zod's classic chained schemas pull in all of zod (~90 KB gzip). The
// server's SendInput (inputs.ts) is a classic z.object of these same fields, so both refuse the
// same things with the same messages; it stays classic because the server's error formatter
// recognises zod's classic ZodError, which zod/mini's parse does not throw.
import {
  array,
  boolean,
  maxLength,
  minLength,
  object,
  optional,
  refine,
  regex,
  string,
  trim,
} from 'zod/mini';
import { LIMITS } from './limits.js';
import { FileId, MessageId, RoomId } from './opaque-ids.js';
import { storableText } from './text.js';

/** What a send may carry: the ids of the sender's own uploads to the same room, not yet sent. */
const AttachmentIds = optional(
  array(FileId).check(
    maxLength(
      LIMITS.attachmentsPerMessageMax,
      `A message carries at most ${LIMITS.attachmentsPerMessageMax} files`,
    ),
  ),
);

/** A send's body, which may be empty when the message carries files (see bodyOrFiles). */
const SendBody = string().check(
  trim(),
  storableText('Message'),
  maxLength(LIMITS.bodyMaxChars, `Message is longer than ${LIMITS.bodyMaxChars} characters`),
);

/** A message body: surrounding white space is dropped; what is left may not be empty. */
export const MessageBody = SendBody.check(minLength(1, 'Message is empty'));

export const ClientMsgId = string().check(
  storableText('clientMsgId'),
  minLength(1, 'clientMsgId is required'),
  maxLength(
    LIMITS.clientMsgIdMaxChars,
    `clientMsgId can have at most ${LIMITS.clientMsgIdMaxChars} characters`,
  ),
  regex(/^[A-Za-z0-9_:.-]+$/, 'clientMsgId may contain only letters, digits and _ : . -'),
);

/** The fields of a send, in the order the server checks them. */
export const sendFields = {
  roomId: RoomId,
  /** Chosen by the client, unique per author: a retried send with the same id posts once. */
  clientMsgId: ClientMsgId,
  /** May be empty when `attachments` has files. */
  body: SendBody,
  /** Files the sender uploaded to this room (FILE_ROUTES.upload) and has not sent yet. */
  attachments: AttachmentIds,
  /** Quote and answer this message of the same room. */
  replyToId: optional(MessageId),
  /** Post as a reply in the thread of this message (a message of the timeline, not a reply). */
  threadId: optional(MessageId),
  /** With `threadId`: also show the reply in the room's timeline. */
  alsoInRoom: optional(boolean()),
};

/** "Also send to room" is a choice of a thread reply: without a `threadId` a send is refused. */
export const alsoInRoomNeedsThread = {
  check: (v: { threadId?: string | undefined; alsoInRoom?: boolean | undefined }) =>
    v.alsoInRoom !== true || v.threadId !== undefined,
  params: { message: 'alsoInRoom is for thread replies: give a threadId', path: ['alsoInRoom'] },
};

/** A send says something: text, files or both. */
export const bodyOrFiles = {
  check: (v: { body: string; attachments?: readonly string[] | undefined }) =>
    v.body.length > 0 || (v.attachments?.length ?? 0) > 0,
  params: { message: 'Message is empty', path: ['body'] },
};

/** SendInput on zod/mini: the SDK's check of a send before it queues it (see above). */
export const SendInputCheck = object(sendFields).check(
  refine(bodyOrFiles.check, bodyOrFiles.params),
  refine(alsoInRoomNeedsThread.check, alsoInRoomNeedsThread.params),
);
