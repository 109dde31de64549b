import { type MentionsInput, type MentionsPage, parseMentions } from '@confab/contracts';
import type * as z from 'zod';
import type { Store } from '../ports/store.js';
import type { Authenticated } from './accounts.js';

/** What a new message's mentions add to the store's NewMessage. */
export interface ResolvedMentions {
  mentions?: string[];
  mentionsRoom?: true;
}

/**
 * The members a message body names, as the send stores them: `@username`s of the room's current
 * members, in the order named, the author left out; `@room` only from the room's owner or an
 * admin (from anyone else it stays plain text). A body without '@' costs nothing: the plain send
 * stays as cheap as it was.
 */
export async function resolveMentions(
  store: Pick<Store, 'membersByUsernames'>,
  author: { id: string; username: string },
  roomId: string,
  body: string,
): Promise<ResolvedMentions> {
  if (!body.includes('@')) return {};
  const parsed = parseMentions(body);
  if (parsed.usernames.length === 0 && !parsed.room) return {};
  // One query: the author's own row (for the role @room needs) comes with the named ones.
  const lookUp = parsed.room ? [...parsed.usernames, author.username] : parsed.usernames;
  const members = await store.membersByUsernames(roomId, [...new Set(lookUp)]);
  const byUsername = new Map(members.map((m) => [m.username, m]));
  const resolved: ResolvedMentions = {};
  const ids = parsed.usernames.flatMap((username) => {
    const member = byUsername.get(username);
    return member && member.userId !== author.id ? [member.userId] : [];
  });
  if (ids.length > 0) resolved.mentions = ids;
  const role = byUsername.get(author.username)?.role;
  if (parsed.room && (role === 'owner' || role === 'admin')) resolved.mentionsRoom = true;
  return resolved;
}

/** The mentions view: where the caller was named, across the rooms they are still in. */
export function createMentions(deps: { store: Store }) {
  const { store } = deps;
  return {
    /** Newest first; deleted messages and rooms the caller left are not in it. */
    async mentions(
      auth: Authenticated,
      input: z.output<typeof MentionsInput>,
    ): Promise<MentionsPage> {
      return store.mentionsOf(auth.user.id, { beforeId: input.beforeId, limit: input.limit });
    },
  };
}
export type Mentions = ReturnType<typeof createMentions>;
