import { type ContextPage, ERROR_CODES, type Message, type ThreadPage } from '@confab/contracts';
import { AppError } from '../errors.js';
import type { Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';
import type { Rooms } from './rooms.js';

/** Reads around messages, members only: a thread, a message link's context, reply quotes. */
export function createThreads(deps: { store: Store; rooms: Rooms }) {
  const { store, rooms } = deps;

  return {
    async thread(
      auth: Authenticated,
      input: { roomId: string; threadId: string; beforeSeq?: number | undefined; limit: number },
    ): Promise<ThreadPage> {
      await rooms.requireMember(auth, input.roomId);
      const page = await store.thread(input.roomId, input.threadId, {
        beforeSeq: input.beforeSeq,
        limit: input.limit,
      });
      if (page === 'not-found')
        throw new AppError(ERROR_CODES.MESSAGE_NOT_FOUND, 'Message not found');
      if (page === 'is-reply') {
        throw new AppError(
          ERROR_CODES.CONFLICT,
          "A thread reply has no thread of its own: open its root's thread",
        );
      }
      return page;
    },

    async context(
      auth: Authenticated,
      input: { roomId: string; messageId: string; limit: number },
    ): Promise<ContextPage> {
      await rooms.requireMember(auth, input.roomId);
      const page = await store.context(input.roomId, input.messageId, input.limit);
      if (!page) throw new AppError(ERROR_CODES.MESSAGE_NOT_FOUND, 'Message not found');
      // Read after the page, as history does: retention may cut the log in between, and a
      // start read later never claims more history than the page shows.
      return { ...page, startSeq: await store.historyStart(input.roomId) };
    },

    async byIds(
      auth: Authenticated,
      input: { roomId: string; messageIds: readonly string[] },
    ): Promise<Message[]> {
      await rooms.requireMember(auth, input.roomId);
      return store.messagesByIds(input.roomId, input.messageIds);
    },
  };
}
export type Threads = ReturnType<typeof createThreads>;
