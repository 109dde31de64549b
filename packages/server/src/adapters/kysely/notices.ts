import {
  isRoomNotice,
  LIMITS,
  type Message,
  ROOM_NOTICE_TYPES,
  type RoomNotice,
} from '@confab/contracts';
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { toEvent } from './rows.js';
import type { Database } from './schema.js';

/** Seqs of a room's log strictly between `after` and `before` (no upper end when absent). */
export interface SeqSpan {
  after: number;
  before?: number | undefined;
}

/**
 * The span of a page read backwards (see HistoryPage.notices): from its first message, or the
 * log's start when nothing older exists, up to `beforeSeq` (the log's end on the newest page).
 */
export function spanBack(
  messages: readonly Message[],
  hasMore: boolean,
  beforeSeq: number | undefined,
): SeqSpan {
  const first = messages[0];
  return { after: hasMore && first ? first.seq : 0, before: beforeSeq };
}

/**
 * The span of a page read forward: from `afterSeq` up to its last message, or to the log's end
 * when nothing newer exists.
 */
export function spanForward(
  messages: readonly Message[],
  hasMore: boolean,
  afterSeq: number,
): SeqSpan {
  const last = messages.at(-1);
  return { after: afterSeq, before: hasMore && last ? last.seq : undefined };
}

/**
 * The room's notices in the span, oldest first: its newest `LIMITS.historyNoticesMax` when more
 * lie there. Notices are exactly the log rows without a message (every message, reaction and pin
 * row names its message), which the partial index `events_notices` holds, so a span crowded with
 * messages and reactions costs no more than one with few. Retention cuts the log and the messages
 * together, so what is left is what history shows.
 */
export async function noticesIn(
  db: Kysely<Database>,
  roomId: string,
  span: SeqSpan,
): Promise<RoomNotice[]> {
  let query = db
    .selectFrom('events')
    .select('payload')
    .where('room_id', '=', roomId)
    .where('message_id', 'is', null)
    .where('type', 'in', ROOM_NOTICE_TYPES)
    .where('seq', '>', span.after);
  if (span.before !== undefined) query = query.where('seq', '<', span.before);
  const rows = await query.orderBy('seq', 'desc').limit(LIMITS.historyNoticesMax).execute();
  return rows.reverse().map(toEvent).filter(isRoomNotice);
}

/** Notices that name a member: who joined, left, was removed or given a role. */
const MEMBERSHIP_NOTICES = [
  'member.joined',
  'member.left',
  'member.removed',
  'member.role',
] as const;

/**
 * Which of these users the room's log names as having been a member (joined, left, removed, a
 * role): people a notice line names, who keep their name after leaving as authors do. One read of
 * the room's notice rows (the partial index), whatever the number of ids.
 */
export async function formerMembersNamed(
  db: Kysely<Database>,
  roomId: string,
  userIds: readonly string[],
): Promise<string[]> {
  if (userIds.length === 0) return [];
  // The payload is JSON text: each engine reads a field of it its own way.
  const userId =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? sql<string>`(payload::jsonb ->> 'userId')`
      : sql<string>`json_extract(payload, '$.userId')`;
  const rows = await db
    .selectFrom('events')
    .select(userId.as('user_id'))
    .distinct()
    .where('room_id', '=', roomId)
    .where('message_id', 'is', null)
    .where('type', 'in', MEMBERSHIP_NOTICES)
    .where(userId, 'in', [...userIds])
    .execute();
  return rows.map((r) => r.user_id);
}
