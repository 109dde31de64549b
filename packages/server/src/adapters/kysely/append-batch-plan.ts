import { type Kysely, type Selectable, sql } from 'kysely';
import type { AppendResult, NewMessage } from '../../ports/store.js';
import { toMessage } from './rows.js';
import type { Database } from './schema.js';

const keyOf = (m: { authorId: string; clientMsgId: string }) => `${m.authorId}\n${m.clientMsgId}`;
const memberKeyOf = (roomId: string, userId: string) => `${roomId}\n${userId}`;

/** What a batch's reads found: its sends already stored, and which authors are members. */
export interface BatchReads {
  earlier: Selectable<Database['messages']>[];
  members: { room_id: string; user_id: string }[];
}

/**
 * The two reads a batch decides on. Given the pool they run at once on two connections (one
 * round trip's wait instead of two); given a transaction, one after the other on it.
 */
export async function readBatch(db: Kysely<Database>, messages: NewMessage[]): Promise<BatchReads> {
  // The pairs themselves, as VALUES lists: one index probe each. (author IN ... AND
  // clientMsgId IN ... probed every combination: 10,000 for a batch of 100.)
  const pairs = sql.join(messages.map((m) => sql`(${m.authorId}, ${m.clientMsgId})`));
  const memberships = new Map(messages.map((m) => [memberKeyOf(m.roomId, m.authorId), m]));
  const authors = sql.join([...memberships.values()].map((m) => sql`(${m.roomId}, ${m.authorId})`));
  const [earlier, members] = await Promise.all([
    db
      .selectFrom('messages')
      .selectAll()
      .where(sql<boolean>`(author_id, client_msg_id) in (values ${pairs})`)
      .execute(),
    db
      .selectFrom('members')
      .select(['room_id', 'user_id'])
      .where(sql<boolean>`(room_id, user_id) in (values ${authors})`)
      .execute(),
  ]);
  return { earlier, members };
}

/** Each send's answer where the reads decide it, and the sends to create, per room. */
export interface BatchPlan {
  /** By index in the batch; undefined for sends to create and repeats within the batch. */
  results: (AppendResult | undefined)[];
  /** Room → indexes of the sends to create there, in arrival order (their seqs follow it). */
  toCreate: Map<string, number[]>;
  /** The first send of each author + clientMsgId in the batch, by key: later ones repeat it. */
  firstOf: Map<string, number>;
}

export function planBatch(messages: readonly NewMessage[], reads: BatchReads): BatchPlan {
  const earlier = new Map(
    reads.earlier.map((row) => [
      keyOf({ authorId: row.author_id, clientMsgId: row.client_msg_id }),
      row,
    ]),
  );
  const members = new Set(reads.members.map((row) => memberKeyOf(row.room_id, row.user_id)));
  const results: (AppendResult | undefined)[] = new Array(messages.length);
  const firstOf = new Map<string, number>();
  const toCreate = new Map<string, number[]>();
  for (const [i, m] of messages.entries()) {
    const key = keyOf(m);
    const row = earlier.get(key);
    if (row) {
      results[i] = { status: 'duplicate', message: toMessage(row) };
    } else if (firstOf.has(key)) {
    } else if (!members.has(memberKeyOf(m.roomId, m.authorId))) {
      firstOf.set(key, i);
      results[i] = { status: 'not-member' };
    } else {
      firstOf.set(key, i);
      const indexes = toCreate.get(m.roomId);
      if (indexes) indexes.push(i);
      else toCreate.set(m.roomId, [i]);
    }
  }
  return { results, toCreate, firstOf };
}

/** Every send's answer, once the created ones have theirs: a repeat gets what a retry would. */
export function settleBatch(messages: readonly NewMessage[], plan: BatchPlan): AppendResult[] {
  const { results, firstOf } = plan;
  for (const [i, m] of messages.entries()) {
    if (results[i]) continue;
    const first = results[firstOf.get(keyOf(m)) ?? -1];
    results[i] =
      first?.status === 'created' ? { status: 'duplicate', message: first.message } : first;
  }
  return results.map((result) => {
    if (!result) throw new Error('unreachable: every send has a result');
    return result;
  });
}
