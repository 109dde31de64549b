import { ERROR_CODES, type SendResult } from '@confab/contracts';
import { AppError, roomNotFound } from '../errors.js';
import type { Bus } from '../ports/bus.js';
import type { Notifier } from '../ports/notifier.js';
import type { Store } from '../ports/store.js';
import { createApiKeyCheck } from './api-keys.js';
import { newId } from './crypto.js';
import { resolveMentions } from './mentions.js';
import { replyRefusal } from './reply-refusals.js';
import type { Rooms } from './rooms.js';

/**
 * The server-to-server API other apps call with an API key: post into a room as one of its
 * members, push an event to one user's live devices, broadcast to everyone connected.
 */
export function createPush(deps: {
  store: Store;
  bus: Bus;
  rooms: Rooms;
  notifier: Notifier;
  apiKeys: readonly string[];
  now: () => number;
}) {
  const { store, bus, rooms, notifier, now } = deps;
  const isApiKey = createApiKeyCheck({ store, configured: deps.apiKeys });

  async function userNamed(username: string) {
    const user = await store.userByUsername(username);
    if (!user) throw new AppError(ERROR_CODES.USER_NOT_FOUND, `No user named ${username}`);
    return user;
  }

  return {
    /** A configured (API_KEYS) or stored, unrevoked key; none of either means no access. */
    async requireApiKey(presented: string | undefined): Promise<void> {
      if (!(await isApiKey(presented)))
        throw new AppError(ERROR_CODES.INVALID_API_KEY, 'Missing or wrong API key');
    },

    async postMessage(input: {
      roomId: string;
      asUsername: string;
      clientMsgId: string;
      body: string;
    }): Promise<SendResult> {
      const author = await userNamed(input.asUsername);
      const result = await store.appendMessage({
        id: newId(),
        roomId: input.roomId,
        authorId: author.id,
        clientMsgId: input.clientMsgId,
        body: input.body,
        at: now(),
        // An app's message names members as a person's does.
        ...(await resolveMentions(store, author, input.roomId, input.body)),
      });
      if (result.status === 'not-member') {
        if (!(await store.roomById(input.roomId))) throw roomNotFound();
        throw new AppError(
          ERROR_CODES.FORBIDDEN,
          `${input.asUsername} is not a member of that room`,
        );
      }
      if (result.status === 'duplicate' && result.message.roomId !== input.roomId) {
        throw new AppError(
          ERROR_CODES.CONFLICT,
          `clientMsgId ${input.clientMsgId} was already used in another room`,
        );
      }
      // The push API sends no replies; the store refuses only those.
      if (result.status !== 'created' && result.status !== 'duplicate') throw replyRefusal(result);
      if (result.status === 'created') {
        await rooms.publish([result.event]);
        notifier.messageCreated(result.message);
      }
      return {
        id: result.message.id,
        seq: result.message.seq,
        createdAt: result.message.createdAt,
      };
    },

    async toUser(input: { username: string; data: unknown }): Promise<void> {
      const user = await userNamed(input.username);
      await bus.publish(`user:${user.id}`, {
        kind: 'user',
        event: { type: 'push', at: now(), data: input.data as never },
      });
    },

    async broadcast(input: { body: string }): Promise<void> {
      await bus.publish('broadcast', {
        kind: 'user',
        event: { type: 'announcement', at: now(), body: input.body },
      });
    },
  };
}
export type Push = ReturnType<typeof createPush>;
