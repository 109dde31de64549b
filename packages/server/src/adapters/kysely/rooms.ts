import type { MemberJoined, RoomEvent, RoomSummary } from '@confab/contracts';
import { type Expression, type Kysely, sql, type Transaction } from 'kysely';
import type * as z from 'zod';
import type { MembershipRecord, Store } from '../../ports/store.js';
import { appendEvent } from './log.js';
import { isUniqueViolation, toMember, toMessage, toRoom, toUser } from './rows.js';
import type { Database } from './schema.js';
import { inTimeline } from './timeline.js';

function toMembership(
  row: Pick<Database['members'], 'room_id' | 'user_id' | 'role' | 'joined_at' | 'last_read_seq'>,
): MembershipRecord {
  return {
    roomId: row.room_id,
    userId: row.user_id,
    role: row.role as 'owner' | 'admin' | 'member',
    joinedAt: Number(row.joined_at),
    lastReadSeq: Number(row.last_read_seq),
  };
}

/**
 * RoomHead.membersVersion of the room `roomId` refers to: the newest seq of its log entries
 * without a message, the last entry of the partial index `events_notices` (one index probe).
 */
function membersVersion(roomId: Expression<string>) {
  return sql<
    number | null
  >`(select max(seq) from events where events.room_id = ${roomId} and events.message_id is null)`;
}

/** A row of roomSeqsOf. */
interface RoomHeadRow {
  id: string;
  last_seq: number;
  joined_seq: number;
  members_version: number | null;
}

type RoomsPart = Pick<
  Store,
  | 'createRoom'
  | 'roomById'
  | 'roomWithMembership'
  | 'roomByDirectKey'
  | 'membership'
  | 'members'
  | 'publicRooms'
  | 'roomsOf'
  | 'roomIdsOf'
  | 'roomSeqsOf'
  | 'memberSetsOf'
  | 'peersOf'
  | 'addMember'
  | 'removeMember'
  | 'updateRoom'
  | 'setRole'
  | 'markRead'
  | 'receipts'
>;

/** Remembers where a member's view of the room's log begins (their own member.joined). */
async function setJoinedSeq(
  tx: Transaction<Database>,
  roomId: string,
  userId: string,
  seq: number,
) {
  await tx
    .updateTable('members')
    .set({ joined_seq: seq })
    .where('room_id', '=', roomId)
    .where('user_id', '=', userId)
    .execute();
}

export function roomsStore(db: Kysely<Database>): RoomsPart {
  return {
    async createRoom(room, members) {
      return db.transaction().execute(async (tx) => {
        await tx
          .insertInto('rooms')
          .values({
            id: room.id,
            kind: room.kind,
            name: room.name,
            topic: room.topic,
            created_at: room.createdAt,
            last_seq: 0,
            last_activity_at: room.createdAt,
            direct_key: room.directKey ?? null,
          })
          .execute();
        const events: RoomEvent[] = [];
        const creatorId = members[0]?.userId;
        if (creatorId === undefined) throw new Error('A room is created with at least one member');
        for (const member of members) {
          await tx
            .insertInto('members')
            .values({
              room_id: room.id,
              user_id: member.userId,
              role: member.role,
              joined_at: room.createdAt,
              last_read_seq: 0,
              joined_seq: 0,
            })
            .execute();
          const joined = await appendEvent(
            tx,
            room.id,
            room.createdAt,
            (seq): z.infer<typeof MemberJoined> => ({
              type: 'member.joined',
              roomId: room.id,
              seq,
              actorId: creatorId,
              at: room.createdAt,
              userId: member.userId,
              role: member.role,
              via:
                room.kind === 'direct'
                  ? 'direct'
                  : member.userId === creatorId
                    ? 'create'
                    : 'invite',
            }),
          );
          await setJoinedSeq(tx, room.id, member.userId, joined.seq);
          events.push(joined);
        }
        const row = await tx
          .selectFrom('rooms')
          .selectAll()
          .where('id', '=', room.id)
          .executeTakeFirstOrThrow();
        return { room: toRoom(row), events };
      });
    },
    async roomById(id) {
      const row = await db.selectFrom('rooms').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRoom(row) : undefined;
    },
    async roomByDirectKey(directKey) {
      const row = await db
        .selectFrom('rooms')
        .selectAll()
        .where('direct_key', '=', directKey)
        .executeTakeFirst();
      return row ? toRoom(row) : undefined;
    },
    async membership(roomId, userId) {
      const row = await db
        .selectFrom('members')
        .selectAll()
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row ? toMembership(row) : undefined;
    },
    async roomWithMembership(roomId, userId) {
      const row = await db
        .selectFrom('rooms as r')
        .leftJoin('members as m', (join) =>
          join.onRef('m.room_id', '=', 'r.id').on('m.user_id', '=', userId),
        )
        .selectAll('r')
        .select(['m.user_id as member_id', 'm.role', 'm.joined_at', 'm.last_read_seq'])
        .where('r.id', '=', roomId)
        .executeTakeFirst();
      if (!row) return undefined;
      const membership =
        row.member_id === null || row.role === null
          ? undefined
          : toMembership({
              room_id: row.id,
              user_id: row.member_id,
              role: row.role,
              joined_at: Number(row.joined_at),
              last_read_seq: Number(row.last_read_seq),
            });
      return { room: toRoom(row), membership };
    },
    async members(roomId) {
      const rows = await db
        .selectFrom('members')
        .innerJoin('users', 'users.id', 'members.user_id')
        .select([
          'members.user_id',
          'users.username',
          'users.display_name',
          'members.role',
          'members.joined_at',
          'users.avatar_version',
        ])
        .where('members.room_id', '=', roomId)
        .orderBy('members.joined_at')
        .orderBy('users.username')
        .execute();
      return rows.map(toMember);
    },
    async publicRooms(query, limit) {
      let q = db
        .selectFrom('rooms')
        .selectAll()
        .select((eb) =>
          eb
            .selectFrom('members')
            .select(eb.fn.countAll<number>().as('n'))
            .whereRef('members.room_id', '=', 'rooms.id')
            .as('member_count'),
        )
        .where('kind', '=', 'public');
      if (query) {
        // LIKE with escaped wildcards, over lower-cased names: case-insensitive on both dialects.
        const pattern = `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q = q.where(sql<boolean>`lower(name) like ${pattern} escape '\\'`);
      }
      const rows = await q.orderBy('last_activity_at', 'desc').orderBy('id').limit(limit).execute();
      return rows.map((row) => ({ ...toRoom(row), memberCount: Number(row.member_count ?? 0) }));
    },
    async roomsOf(userId) {
      const rows = await db
        .selectFrom('members as m')
        .innerJoin('rooms as r', 'r.id', 'm.room_id')
        .selectAll('r')
        .select(['m.role', 'm.last_read_seq'])
        .select((eb) => [
          eb
            .selectFrom('messages as x')
            .select(eb.fn.countAll<number>().as('n'))
            .whereRef('x.room_id', '=', 'r.id')
            .whereRef('x.seq', '>', 'm.last_read_seq')
            .where('x.deleted_at', 'is', null)
            .where('x.author_id', '<>', userId)
            .where(inTimeline('x')) // thread-only replies are not unread in the room
            .as('unread'),
          eb
            .selectFrom('messages as x')
            .select('x.id')
            .whereRef('x.room_id', '=', 'r.id')
            .where('x.deleted_at', 'is', null)
            .where(inTimeline('x'))
            .orderBy('x.seq', 'desc')
            .limit(1)
            .as('last_message_id'),
          eb
            .selectFrom('members as o')
            .select('o.user_id')
            .whereRef('o.room_id', '=', 'r.id')
            .where('o.user_id', '<>', userId)
            .where('r.kind', '=', 'direct')
            .limit(1)
            .as('peer_id'),
        ])
        .where('m.user_id', '=', userId)
        .orderBy('r.last_activity_at', 'desc')
        .orderBy('r.id')
        .execute();
      const messageIds = rows.flatMap((r) => (r.last_message_id ? [r.last_message_id] : []));
      const peerIds = rows.flatMap((r) => (r.peer_id ? [r.peer_id] : []));
      const messages = messageIds.length
        ? await db.selectFrom('messages').selectAll().where('id', 'in', messageIds).execute()
        : [];
      const peers = peerIds.length
        ? await db.selectFrom('users').selectAll().where('id', 'in', peerIds).execute()
        : [];
      const messageById = new Map(messages.map((m) => [m.id, toMessage(m)]));
      const peerById = new Map(peers.map((p) => [p.id, toUser(p)]));
      return rows.map(
        (r): RoomSummary => ({
          room: toRoom(r),
          role: r.role as RoomSummary['role'],
          lastReadSeq: Number(r.last_read_seq),
          unreadCount: Number(r.unread ?? 0),
          lastMessage: (r.last_message_id && messageById.get(r.last_message_id)) || null,
          peer: (r.peer_id && peerById.get(r.peer_id)) || null,
        }),
      );
    },
    async roomIdsOf(userId) {
      const rows = await db
        .selectFrom('members')
        .select('room_id')
        .where('user_id', '=', userId)
        .execute();
      return rows.map((r) => r.room_id);
    },
    async peersOf(userId) {
      const rows = await db
        .selectFrom('members as mine')
        .innerJoin('members as theirs', 'theirs.room_id', 'mine.room_id')
        .select('theirs.user_id')
        .distinct()
        .where('mine.user_id', '=', userId)
        .where('theirs.user_id', '<>', userId)
        .execute();
      return rows.map((r) => r.user_id);
    },
    async roomSeqsOf(userId) {
      // Every stream that starts runs this (5,000 at once in a reconnect storm). Written as SQL:
      // building it with the query builder cost twice what SQLite took to run it.
      const query = sql<RoomHeadRow>`
        select r.id, r.last_seq, m.joined_seq, ${membersVersion(sql.ref('r.id'))} as members_version
        from members m inner join rooms r on r.id = m.room_id
        where m.user_id = ${userId}`;
      const { rows } = await query.execute(db);
      return rows.map((r) => ({
        id: r.id,
        lastSeq: Number(r.last_seq),
        joinedSeq: Number(r.joined_seq),
        membersVersion: r.members_version === null ? null : Number(r.members_version),
      }));
    },
    async memberSetsOf(userId) {
      const rows = await db
        .selectFrom('members as mine')
        .innerJoin('members as theirs', 'theirs.room_id', 'mine.room_id')
        .select(['theirs.room_id', 'theirs.user_id'])
        .where('mine.user_id', '=', userId)
        .execute();
      const sets = new Map<string, string[]>();
      for (const { room_id: roomId, user_id: member } of rows) {
        const set = sets.get(roomId);
        if (set) set.push(member);
        else sets.set(roomId, [member]);
      }
      return sets;
    },
    async addMember(roomId, m) {
      try {
        return await db.transaction().execute(async (tx) => {
          const existing = await tx
            .selectFrom('members')
            .select('user_id')
            .where('room_id', '=', roomId)
            .where('user_id', '=', m.userId)
            .executeTakeFirst();
          if (existing) return 'already-member' as const;
          await tx
            .insertInto('members')
            .values({
              room_id: roomId,
              user_id: m.userId,
              role: m.role,
              joined_at: m.at,
              last_read_seq: 0,
              joined_seq: 0,
            })
            .execute();
          const joined = await appendEvent(tx, roomId, m.at, (seq) => ({
            type: 'member.joined' as const,
            roomId,
            seq,
            actorId: m.actorId,
            at: m.at,
            userId: m.userId,
            role: m.role,
            via: m.via,
          }));
          await setJoinedSeq(tx, roomId, m.userId, joined.seq);
          return joined;
        });
      } catch (error) {
        // The same user added twice at once (a double click, two devices): on PostgreSQL both
        // transactions pass the check above and the second insert hits the primary key. It
        // rolled back, seq included, so the answer is that they are already a member.
        if (isUniqueViolation(error)) return 'already-member';
        throw error;
      }
    },
    async removeMember(roomId, change) {
      return db.transaction().execute(async (tx) => {
        const removed = await tx
          .deleteFrom('members')
          .where('room_id', '=', roomId)
          .where('user_id', '=', change.userId)
          .executeTakeFirst();
        if (Number(removed.numDeletedRows) === 0) return 'not-member' as const;
        return appendEvent(tx, roomId, change.at, (seq) => ({
          type: change.type,
          roomId,
          seq,
          actorId: change.actorId,
          at: change.at,
          userId: change.userId,
        }));
      });
    },
    async setRole(roomId, userId, role) {
      const result = await db
        .updateTable('members')
        .set({ role })
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async updateRoom(roomId, change) {
      return db.transaction().execute(async (tx) => {
        const current = await tx
          .selectFrom('rooms')
          .selectAll()
          .where('id', '=', roomId)
          .executeTakeFirstOrThrow();
        const name = change.name ?? current.name;
        const topic = change.topic ?? current.topic;
        const kind = change.kind ?? (current.kind === 'public' ? 'public' : 'private');
        await tx.updateTable('rooms').set({ name, topic, kind }).where('id', '=', roomId).execute();
        const was = { name: current.name, topic: current.topic, kind: current.kind };
        const after = { name, topic, kind };
        const changed = (['name', 'topic', 'kind'] as const).filter((f) => after[f] !== was[f]);
        return appendEvent(tx, roomId, change.at, (seq) => ({
          type: 'room.updated' as const,
          roomId,
          seq,
          actorId: change.actorId,
          at: change.at,
          name,
          topic,
          kind,
          changed,
        }));
      });
    },
    async receipts(roomId) {
      const rows = await db
        .selectFrom('members')
        .innerJoin('users', 'users.id', 'members.user_id')
        .select(['members.user_id', 'members.last_read_seq'])
        .where('members.room_id', '=', roomId)
        .where('users.share_read_receipts', '=', 1)
        .orderBy('members.user_id')
        .execute();
      return rows.map((r) => ({ userId: r.user_id, lastReadSeq: Number(r.last_read_seq) }));
    },
    async markRead(roomId, userId, seq) {
      // Forward only, and never past the room's log: one statement, so two devices racing
      // cannot move the marker backwards.
      await db
        .updateTable('members')
        .set((eb) => ({
          last_read_seq: eb
            .selectFrom('rooms')
            .select(
              sql<number>`case when last_seq < ${seq} then last_seq else ${seq} end`.as('capped'),
            )
            .where('rooms.id', '=', roomId),
        }))
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .where('last_read_seq', '<', seq)
        .execute();
      const row = await db
        .selectFrom('members')
        .select('last_read_seq')
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(row?.last_read_seq ?? 0);
    },
  };
}
