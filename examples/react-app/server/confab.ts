import { createChatClient } from '@confab/client';
import { createPushClient } from '@confab/client/push';
import type { AppUser } from './users.js';

/** What the backend needs from Confab: tokens for its users and the room they share. */
export function createConfab(options: { url: string; apiKey: string; tokenTtlSeconds: number }) {
  // The API key stays here, on the server; browsers only ever get their user's short token.
  const confab = createPushClient({ url: options.url, apiKey: options.apiKey });
  let room: Promise<{ id: string; name: string }> | undefined;

  /** The public room everyone chats in, found or created once by the app's own host user. */
  async function findOrCreateRoom(name: string) {
    const host = await confab.mintToken({
      externalId: 'acme-room-host',
      displayName: 'Acme',
      ttlSeconds: 60,
    });
    const chat = createChatClient({ url: options.url, token: host.token, autoConnect: false });
    try {
      const found = (await chat.api.room.listPublic.query({ query: name })).find(
        (r) => r.name === name,
      );
      return found ?? (await chat.api.room.create.mutate({ kind: 'public', name }));
    } finally {
      chat.close();
    }
  }

  return {
    room(): Promise<{ id: string; name: string }> {
      room ??= findOrCreateRoom('acme-general');
      // A failure is not kept: the next request tries again.
      room.catch(() => {
        room = undefined;
      });
      return room;
    },
    /** A short-lived Confab token for the app's user (made in Confab on first use). */
    mintToken(user: AppUser) {
      return confab.mintToken({
        externalId: `acme|${user.username}`,
        displayName: user.displayName,
        ttlSeconds: options.tokenTtlSeconds,
        deviceLabel: 'acme web',
      });
    },
  };
}
