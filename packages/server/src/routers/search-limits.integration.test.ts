import { describe, expect, it } from 'vitest';
import { builtApiOnSqlite } from '../__tests__/built-api.js';
import { signUp } from '../__tests__/server.js';
import { refusal } from '../notify/__tests__/fixtures.js';

// SEARCH_LIMITS as an operator sets it, on the built API process: a search that would look
// through more messages than `scanMax` is refused with SEARCH_TOO_BROAD (422), changing nothing,
// and the same words narrowed to a room answer.
describe('SEARCH_LIMITS on the built API', () => {
  const built = builtApiOnSqlite('search-limits', {
    SEARCH_LIMITS: '{"scanMax":100}',
    SENDS_PER_SECOND: '1000',
    SEND_BURST: '1000',
  });

  it('refuses a search past scanMax with SEARCH_TOO_BROAD, and answers it narrowed', async () => {
    const { url } = built.api();
    const [ann, bob] = [await signUp(url, 'ann'), await signUp(url, 'bob')];
    try {
      const bobs = await bob.api.room.create.mutate({ kind: 'public', name: 'bob only' });
      await bob.api.message.send.mutate({ roomId: bobs.id, clientMsgId: 'b0', body: 'kiwi pie' });
      const anns = await ann.api.room.create.mutate({ kind: 'private', name: 'ann only' });
      for (let i = 0; i < 120; i++)
        await ann.api.message.send.mutate({
          roomId: anns.id,
          clientMsgId: `a${i}`,
          body: `kiwi ${i}`,
        });

      expect(await refusal(bob.api.message.search.query({ query: 'kiwi' }))).toEqual({
        appCode: 'SEARCH_TOO_BROAD',
        message: 'This search would look through more than 100 messages; add a word to narrow it',
      });
      const narrowed = await bob.api.message.search.query({ query: 'kiwi pie' });
      expect(narrowed.hits.map((h) => h.message.body)).toEqual(['kiwi pie']);
      expect(narrowed.hasMore).toBe(false);
      // Ann's newest 100 are hers: her page fills before the bound.
      const hers = await ann.api.message.search.query({ query: 'kiwi', limit: 3 });
      expect(hers.hits.map((h) => h.message.body)).toEqual(['kiwi 119', 'kiwi 118', 'kiwi 117']);
      expect(hers.hasMore).toBe(true);

      const response = await fetch(
        `${url}/trpc/message.search?input=${encodeURIComponent(JSON.stringify({ query: 'kiwi' }))}`,
        { headers: { authorization: `Bearer ${bob.token}` } },
      );
      expect(response.status).toBe(422);
      expect(built.api().output()).not.toMatch(/"level":(50|60)/);
    } finally {
      ann.close();
      bob.close();
    }
  }, 60_000);
});
