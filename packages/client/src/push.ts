import type {
  ExternalUser,
  MintedToken,
  MintTokenInput,
  SendResult,
  UpsertExternalUserInput,
} from '@confab/contracts';
import type { AppRouter } from '@confab/server';
import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';

/** What `toUser` delivers: any JSON value (at most LIMITS.pushDataMaxBytes of it). */
export type PushData = Parameters<TRPCClient<AppRouter>['push']['toUser']['mutate']>[0]['data'];

export interface PushClientOptions {
  /** The Confab server's base URL, e.g. `https://chat.example.com`. */
  url: string;
  /** An API key (API_KEYS, or `confab api-keys create`). Keep it on your server. */
  apiKey: string;
}

/**
 * Confab for another app's backend (Node): post into rooms, push to users, broadcast, and
 * bring the app's own users (tokens for them without a password). Authorized by the API key;
 * none of the browser's stream code is in here. Refusals carry their code (`errorCodeOf`).
 */
export function createPushClient(options: PushClientOptions) {
  const api: TRPCClient<AppRouter> = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${options.url.replace(/\/+$/, '')}/trpc`,
        headers: { 'X-Api-Key': options.apiKey },
      }),
    ],
  });
  return {
    /**
     * Posts a message into a room as one of its members (a person, or a bot user the app made
     * with `upsertUser`). Idempotent on clientMsgId: a retry returns the first result.
     */
    postMessage(input: {
      roomId: string;
      asUsername: string;
      clientMsgId: string;
      body: string;
    }): Promise<SendResult> {
      return api.push.message.mutate(input);
    },
    /** Delivers `data` (JSON) to every live device of one user; not stored. */
    async toUser(input: { username: string; data: PushData }): Promise<void> {
      await api.push.toUser.mutate(input);
    },
    /** An announcement to everyone connected; not stored. */
    async broadcast(input: { body: string }): Promise<void> {
      await api.push.broadcast.mutate(input);
    },
    /** Creates the app's user by its own id for them, or updates its display name. */
    upsertUser(input: UpsertExternalUserInput): Promise<ExternalUser> {
      return api.identity.upsertUser.mutate(input);
    },
    /**
     * A short-lived session token for the app's user (created if new): hand it to the user's
     * browser, whose `createChatClient({ token: () => ... })` asks for another when it expires.
     */
    mintToken(input: MintTokenInput): Promise<MintedToken> {
      return api.identity.mintToken.mutate(input);
    },
    /** Signs the app's user out everywhere (their streams end) until `restoreUser`. */
    revokeUser(externalId: string): Promise<{ sessionsEnded: number }> {
      return api.identity.revokeUser.mutate({ externalId });
    },
    async restoreUser(externalId: string): Promise<void> {
      await api.identity.restoreUser.mutate({ externalId });
    },
    /** Every procedure, typed, with the API key (for what the methods above do not cover). */
    api,
  };
}
export type PushClient = ReturnType<typeof createPushClient>;
