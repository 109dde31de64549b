import { type Kysely, PostgresAdapter, type Selectable } from 'kysely';
import { byCodeUnits } from '../../code-units.js';
import type { OutboxClaim, OutboxItem, OutboxStore } from '../../ports/store.js';
import { queryTemplate } from './query-template.js';
import type { Database } from './schema.js';

const TABLE = 'notification_outbox';
/** Rows per INSERT: well under both engines' limit on bound parameters. */
const INSERT_CHUNK = 200;

function toItem(row: Selectable<Database['notification_outbox']>): OutboxItem {
  return {
    id: row.id,
    kind: row.kind === 'push' ? 'push' : 'webhook',
    webhookId: row.webhook_id,
    userId: row.user_id,
    roomId: row.room_id,
    payload: row.payload,
    seq: Number(row.seq),
    messages: Number(row.messages),
    attempts: Number(row.attempts),
    claims: Number(row.claims),
    dueAt: Number(row.due_at),
    claimedBy: row.claimed_by,
    createdAt: Number(row.created_at),
  };
}

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) out.push(rows.slice(i, i + INSERT_CHUNK));
  return out;
}

/** The push window of a member in a room, while it is open (unclaimed). */
const collapseKey = (userId: string, roomId: string) => `${userId} ${roomId}`;

/**
 * Claims due rows for `by` until `until`. Every poll of every process runs it: built and
 * compiled once (query-template.ts).
 */
const claimDue = queryTemplate(
  ['by', 'now', 'until', 'limit'],
  (db, v: { by: string; now: number; until: number; limit: number }) =>
    db
      .updateTable(TABLE)
      .set((eb) => ({
        claimed_by: v.by,
        claims: eb('claims', '+', 1),
        due_at: v.until,
        // A message arriving from now on opens a new window: this one is being sent.
        collapse_key: null,
      }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom(TABLE)
          .select('id')
          .where('due_at', '<=', v.now)
          .orderBy('due_at')
          .limit(v.limit)
          // PostgreSQL: rows another node is claiming right now are skipped, not waited for.
          // SQLite has one writer: this statement runs alone.
          .$if(db.getExecutor().adapter instanceof PostgresAdapter, (q) =>
            q.forUpdate().skipLocked(),
          ),
      )
      // Checked again on the locked row, in case it was claimed and renewed meanwhile.
      .where('due_at', '<=', v.now)
      .returningAll(),
);

export function outboxStore(db: Kysely<Database>): OutboxStore {
  /** The row, only while this claim holds it. */
  const held = (claim: OutboxClaim) =>
    db
      .updateTable(TABLE)
      .where('id', '=', claim.id)
      .where('claimed_by', '=', claim.claimedBy)
      .where('claims', '=', claim.claims);

  return {
    async enqueueWebhookDeliveries(rows) {
      for (const some of chunks(rows)) {
        await db
          .insertInto(TABLE)
          .values(
            some.map((r) => ({
              id: r.id,
              kind: 'webhook',
              webhook_id: r.webhookId,
              payload: r.payload,
              due_at: r.dueAt,
              created_at: r.createdAt,
            })),
          )
          .execute();
      }
    },

    async openPushWindows(windows) {
      let opened = 0;
      for (const some of chunks(windows)) {
        const sent = new Map(some.map((w) => [collapseKey(w.userId, w.roomId), w.messages]));
        const rows = await db
          .insertInto(TABLE)
          .values(
            some.map((w) => ({
              id: w.id,
              kind: 'push',
              collapse_key: collapseKey(w.userId, w.roomId),
              user_id: w.userId,
              room_id: w.roomId,
              payload: w.payload,
              seq: w.seq,
              messages: w.messages,
              due_at: w.dueAt,
              created_at: w.createdAt,
            })),
          )
          // Every expression reads the row as it was before this update, on both engines.
          .onConflict((oc) =>
            oc.column('collapse_key').doUpdateSet((eb) => {
              const newer = eb(eb.ref('excluded.seq'), '>', eb.ref(`${TABLE}.seq`));
              return {
                messages: eb(eb.ref(`${TABLE}.messages`), '+', eb.ref('excluded.messages')),
                seq: eb
                  .case()
                  .when(newer)
                  .then(eb.ref('excluded.seq'))
                  .else(eb.ref(`${TABLE}.seq`))
                  .end(),
                payload: eb
                  .case()
                  .when(newer)
                  .then(eb.ref('excluded.payload'))
                  .else(eb.ref(`${TABLE}.payload`))
                  .end(),
              };
            }),
          )
          .returning(['collapse_key', 'messages'])
          .execute();
        // A window that existed has more messages than this burst brought.
        for (const row of rows) {
          if (row.collapse_key && Number(row.messages) === sent.get(row.collapse_key)) opened += 1;
        }
      }
      return opened;
    },

    async claimOutbox({ by, now, leaseMs, limit }) {
      const { rows } = await claimDue(db, { by, now, until: now + leaseMs, limit });
      // Ties in code-unit order: deterministic on both engines.
      return rows.map(toItem).sort((a, b) => a.dueAt - b.dueAt || byCodeUnits(a.id, b.id));
    },

    async renewOutboxClaims(by, ids, until) {
      if (ids.length === 0) return 0;
      const result = await db
        .updateTable(TABLE)
        .set({ due_at: until })
        .where('claimed_by', '=', by)
        .where('id', 'in', [...ids])
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async finishOutboxItem(claim) {
      const result = await db
        .deleteFrom(TABLE)
        .where('id', '=', claim.id)
        .where('claimed_by', '=', claim.claimedBy)
        .where('claims', '=', claim.claims)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async retryOutboxItem(claim, dueAt) {
      const result = await held(claim)
        .set((eb) => ({ attempts: eb('attempts', '+', 1), due_at: dueAt, claimed_by: null }))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async releaseOutboxItem(claim, dueAt) {
      // The claim does not count: a node that stops mid-request did not lose the row.
      const result = await held(claim)
        .set((eb) => ({ claims: eb('claims', '-', 1), due_at: dueAt, claimed_by: null }))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async outboxCounts() {
      const rows = await db
        .selectFrom(TABLE)
        .select((eb) => ['kind', eb.fn.countAll<number>().as('n')])
        .groupBy('kind')
        .execute();
      const counts = { webhook: 0, push: 0 };
      for (const row of rows) {
        if (row.kind === 'push' || row.kind === 'webhook') counts[row.kind] = Number(row.n);
      }
      return counts;
    },
  };
}
