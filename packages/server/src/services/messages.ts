import { ERROR_CODES, type SendResult } from '@confab/contracts';
import { AppError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import type { Bus } from '../ports/bus.js';
import type { Notifier } from '../ports/notifier.js';
import type { MessageChange, Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import { newTimeOrderedId } from './crypto.js';
import { resolveMentions } from './mentions.js';
import type { RateLimiter } from './rate-limit.js';
import { replyRefusal } from './reply-refusals.js';
import type { Rooms } from './rooms.js';

export function createMessages(deps: {
  store: Store;
  bus: Bus;
  rooms: Rooms;
  sendLimiter: RateLimiter;
  notifier: Notifier;
  now: () => number;
  /** The server's metrics: send latency, refusals of the send limit. */
  metrics?: Metrics | undefined;
}) {
  const { store, bus, rooms, sendLimiter, notifier, now, metrics } = deps;

  /** Writes are rate-limited per user; a refused write changes nothing. */
  async function takeWriteToken(auth: Authenticated): Promise<void> {
    const waitMs = await sendLimiter.take(auth.user.id);
    if (waitMs > 0) {
      metrics?.rateLimited('send');
      throw new AppError(ERROR_CODES.RATE_LIMITED, `Too many messages; try again in ${waitMs} ms`, {
        retryAfterMs: waitMs,
      });
    }
  }

  async function applyChange(result: MessageChange) {
    if (result.status === 'not-found')
      throw new AppError(ERROR_CODES.MESSAGE_NOT_FOUND, 'Message not found');
    if (result.status === 'not-author')
      throw new AppError(ERROR_CODES.FORBIDDEN, 'Only the author can change a message');
    if (result.status !== 'changed')
      throw new AppError(ERROR_CODES.CONFLICT, 'The message was deleted');
    await rooms.publish([result.event]);
    return { seq: result.event.seq };
  }

  return {
    /** The send bucket, which other writes to a room's log (reactions, pins) draw from too. */
    takeWriteToken,
    /** Resolves only after the message is committed; a repeated clientMsgId returns the first. */
    async send(
      auth: Authenticated,
      input: {
        roomId: string;
        clientMsgId: string;
        body: string;
        replyToId?: string | undefined;
        threadId?: string | undefined;
        alsoInRoom?: boolean | undefined;
        attachments?: readonly string[] | undefined;
      },
    ): Promise<SendResult> {
      const files = input.attachments ?? [];
      if (new Set(files).size !== files.length)
        throw new AppError(ERROR_CODES.VALIDATION, 'The same file is attached twice', {
          issues: [{ path: 'attachments', message: 'The same file is attached twice' }],
        });
      // Membership is checked by the transaction that stores the message (it has to be, as a
      // member may be removed at any moment), so the common case asks the store once. Only a
      // refused send looks further, to say why: a non-member hears that before any rate limit.
      try {
        await takeWriteToken(auth);
      } catch (refusal) {
        await rooms.requireMember(auth, input.roomId);
        throw refusal;
      }
      const startedAt = performance.now();
      const at = now();
      // Only a body with '@' asks the store who it names (one query).
      const named = await resolveMentions(store, auth.user, input.roomId, input.body);
      const result = await store.appendMessage({
        id: newTimeOrderedId(at),
        roomId: input.roomId,
        authorId: auth.user.id,
        clientMsgId: input.clientMsgId,
        body: input.body,
        at,
        ...named,
        replyToId: input.replyToId,
        threadId: input.threadId,
        alsoInRoom: input.alsoInRoom,
        attachments: files.length > 0 ? files : undefined,
      });
      if (result.status === 'not-member') {
        // Nothing was written: the token goes back.
        await sendLimiter.giveBack(auth.user.id);
        await rooms.requireMember(auth, input.roomId); // throws: no such room, or not a member
        throw new AppError(ERROR_CODES.FORBIDDEN, 'Not a member of this room'); // removed since
      }
      // The key is the author's across rooms: answering with another room's message would tell
      // the client this one was posted when it was not.
      if (result.status === 'duplicate' && result.message.roomId !== input.roomId) {
        await rooms.requireMember(auth, input.roomId); // not a member there: say that first
        throw new AppError(
          ERROR_CODES.CONFLICT,
          `clientMsgId ${input.clientMsgId} was already used for a message in another room`,
        );
      }
      if (result.status !== 'created' && result.status !== 'duplicate') {
        // A reply, thread or attachment the store refused: nothing was written, the token goes
        // back.
        await sendLimiter.giveBack(auth.user.id);
        throw replyRefusal(result);
      }
      if (result.status === 'created') {
        // Before the publish: the in-process bus delivers within it.
        metrics?.sendCommitted(startedAt, result.event);
        await rooms.publish([result.event]);
        notifier.messageCreated(result.message);
      }
      const { message } = result;
      return { id: message.id, seq: message.seq, createdAt: message.createdAt };
    },

    async edit(auth: Authenticated, input: { roomId: string; messageId: string; body: string }) {
      await rooms.requireMember(auth, input.roomId);
      await takeWriteToken(auth);
      return applyChange(await store.editMessage({ ...input, authorId: auth.user.id, at: now() }));
    },

    async delete(auth: Authenticated, input: { roomId: string; messageId: string }) {
      await rooms.requireMember(auth, input.roomId);
      await takeWriteToken(auth);
      return applyChange(
        await store.deleteMessage({ ...input, authorId: auth.user.id, at: now() }),
      );
    },

    /** How far members (those who share receipts) have read the room. */
    async receipts(auth: Authenticated, roomId: string) {
      await rooms.requireMember(auth, roomId);
      return store.receipts(roomId);
    },

    async history(
      auth: Authenticated,
      input: {
        roomId: string;
        beforeSeq?: number | undefined;
        afterSeq?: number | undefined;
        limit: number;
      },
    ) {
      await rooms.requireMember(auth, input.roomId);
      // Read after the page: retention may cut the log in between, and a start read later
      // never claims more history than the page shows (see HistoryPage.startSeq).
      const page = await store.history(input.roomId, {
        beforeSeq: input.beforeSeq,
        afterSeq: input.afterSeq,
        limit: input.limit,
      });
      return { ...page, startSeq: await store.historyStart(input.roomId) };
    },

    async eventsAfter(
      auth: Authenticated,
      input: { roomId: string; afterSeq: number; limit: number },
    ) {
      await rooms.requireMember(auth, input.roomId);
      return store.eventsAfter(input.roomId, input.afterSeq, input.limit);
    },

    /** Moves the read marker forward and tells the user's other devices. */
    async markRead(auth: Authenticated, input: { roomId: string; seq: number }) {
      await rooms.requireMember(auth, input.roomId);
      const lastReadSeq = await store.markRead(input.roomId, auth.user.id, input.seq);
      if ((await store.settingsOf(auth.user.id)).shareReadReceipts) {
        await bus.publish(`room:${input.roomId}`, {
          kind: 'signal',
          event: { type: 'receipt', roomId: input.roomId, userId: auth.user.id, lastReadSeq },
        });
      }
      await bus.publish(`user:${auth.user.id}`, {
        kind: 'user',
        event: { type: 'read.updated', roomId: input.roomId, lastReadSeq },
      });
      return { lastReadSeq };
    },
  };
}
export type Messages = ReturnType<typeof createMessages>;
