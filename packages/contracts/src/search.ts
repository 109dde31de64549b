// Full-text search over the messages of the caller's rooms (issue 17). The server answers plain
// text segments, never HTML: the client marks the matching ones up itself.
import * as z from 'zod';
import { EpochMs, MessageId, RoomId, UserId } from './ids.js';
import { Message, RoomKind } from './models.js';
import { StoredText, singleLineText } from './text.js';

export const SEARCH_LIMITS = {
  /** Longest query, after trimming. */
  queryMaxChars: 200,
  /** Most hits per page. */
  pageMax: 50,
  /** Hits per page when the caller does not say. */
  pageDefault: 20,
} as const;

export const SearchInput = z
  .object({
    /** Words to find; the last one also matches as a prefix ("conf" finds "confab"). */
    query: z
      .string()
      .trim()
      .check(singleLineText('Search'))
      .min(1, 'Type something to search for')
      .max(
        SEARCH_LIMITS.queryMaxChars,
        `Search can have at most ${SEARCH_LIMITS.queryMaxChars} characters`,
      ),
    /** Only this room (the caller must be a member). */
    roomId: z.optional(RoomId),
    /** Only messages by this user. */
    authorId: z.optional(UserId),
    /** Only messages sent at or after this time. */
    from: EpochMs.optional(),
    /** Only messages sent at or before this time. */
    to: EpochMs.optional(),
    limit: z.number().int().min(1).max(SEARCH_LIMITS.pageMax).default(SEARCH_LIMITS.pageDefault),
    /** The next page: hits older than this one (the last hit of the previous page). */
    before: z.optional(MessageId),
  })
  .refine((v) => v.from === undefined || v.to === undefined || v.from <= v.to, {
    message: '"from" must not be after "to"',
    path: ['to'],
  });
export type SearchInput = z.input<typeof SearchInput>;

/** A run of a message's body; `match` runs are words the query found. */
export const SearchSegment = z.object({ text: z.string(), match: z.boolean() });
export type SearchSegment = z.infer<typeof SearchSegment>;

export const SearchHit = z.object({
  room: z.object({ id: RoomId, name: StoredText, kind: RoomKind }),
  message: Message,
  /** The body cut into segments; joined, they are the body exactly. */
  segments: z.array(SearchSegment),
});
export type SearchHit = z.infer<typeof SearchHit>;

/** Newest first; `hasMore`: older hits exist (ask again with `before` the last hit's id). */
export const SearchPage = z.object({ hits: z.array(SearchHit), hasMore: z.boolean() });
export type SearchPage = z.infer<typeof SearchPage>;
