import { type Selectable, sql, type Transaction } from 'kysely';
import type { NewMessage } from '../../ports/store.js';
import type { Database } from './schema.js';

type MessageRow = Selectable<Database['messages']>;

/** What a group commit must know of each send before it writes anything. */
export interface BatchChecks {
  /** The message each author + clientMsgId already stands for, by `keyOf`. */
  earlier: Map<string, MessageRow>;
  /** The (room, author) pairs that are memberships, by `memberKeyOf`. */
  members: Set<string>;
}

export const keyOf = (m: { authorId: string; clientMsgId: string }) =>
  `${m.authorId}\n${m.clientMsgId}`;
export const memberKeyOf = (roomId: string, userId: string) => `${roomId}\n${userId}`;

/** A row of the read: the send's own key, its membership, and the earlier message if any. */
type CheckRow = { send_room: string; send_author: string; send_cmid: string } & {
  member_id: string | null;
} & ({ [K in keyof MessageRow]: MessageRow[K] } | { [K in keyof MessageRow]: null });

/**
 * Who already sent each clientMsgId, and whether each author is a member of the room they send
 * to, for a whole batch in one statement: the sends as a VALUES list, each joined to its
 * message (the idempotency index) and its membership (the members primary key), one probe each.
 * Two statements did this before; on PostgreSQL each is a round trip every batch waits for.
 */
export async function checkBatch(
  tx: Transaction<Database>,
  messages: readonly NewMessage[],
): Promise<BatchChecks> {
  const sends = sql.join(messages.map((m) => sql`(${m.roomId}, ${m.authorId}, ${m.clientMsgId})`));
  const { rows } = await sql<CheckRow>`
    with sends (send_room, send_author, send_cmid) as (values ${sends})
    select sends.*, mb.user_id as member_id, m.*
    from sends
    left join members mb on mb.room_id = sends.send_room and mb.user_id = sends.send_author
    left join messages m on m.author_id = sends.send_author and m.client_msg_id = sends.send_cmid`.execute(
    tx,
  );
  const earlier = new Map<string, MessageRow>();
  const members = new Set<string>();
  for (const row of rows) {
    if (row.member_id !== null) members.add(memberKeyOf(row.send_room, row.send_author));
    if (row.id !== null) {
      const { send_room: _r, send_author: _a, send_cmid: _c, member_id: _m, ...message } = row;
      earlier.set(keyOf({ authorId: row.send_author, clientMsgId: row.send_cmid }), message);
    }
  }
  return { earlier, members };
}
