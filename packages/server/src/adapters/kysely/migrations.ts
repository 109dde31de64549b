import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import { byCodeUnits } from '../../code-units.js';
import type { Database } from './schema.js';
import { PG_SEARCH_DOCUMENT } from './search-document.js';

/**
 * One migration set for both dialects: only types both understand (text, bigint). Migrations are
 * code, not files, so the bundled API process carries them.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('device_label', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
      await db.schema
        .createTable('rooms')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seq', 'bigint', (c) => c.notNull())
        .addColumn('last_activity_at', 'bigint', (c) => c.notNull())
        .addColumn('direct_key', 'text', (c) => c.unique())
        .execute();
      await db.schema.createIndex('rooms_kind').on('rooms').columns(['kind', 'name']).execute();
      await db.schema
        .createTable('members')
        .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('joined_at', 'bigint', (c) => c.notNull())
        .addColumn('last_read_seq', 'bigint', (c) => c.notNull())
        .addColumn('joined_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('members_pk', ['room_id', 'user_id'])
        .execute();
      await db.schema.createIndex('members_user').on('members').column('user_id').execute();
      await db.schema
        .createTable('events')
        .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('events_pk', ['room_id', 'seq'])
        .execute();
      await db.schema
        .createIndex('events_message')
        .on('events')
        .columns(['room_id', 'message_id'])
        .execute();
      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('client_msg_id', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('edited_at', 'bigint')
        .addColumn('deleted_at', 'bigint')
        .addUniqueConstraint('messages_idempotency', ['author_id', 'client_msg_id'])
        .execute();
      await db.schema
        .createIndex('messages_room_seq')
        .on('messages')
        .columns(['room_id', 'seq'])
        .unique()
        .execute();
    },
  },
  '0002_read_receipt_privacy': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('users')
        .addColumn('share_read_receipts', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
    },
  },
  '0003_notifications': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('vapid_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('private_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('push_subscriptions')
        .addColumn('endpoint', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
        .addColumn('p256dh', 'text', (c) => c.notNull())
        .addColumn('auth', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('push_subscriptions_user')
        .on('push_subscriptions')
        .column('user_id')
        .execute();
      await db.schema
        .createIndex('push_subscriptions_session')
        .on('push_subscriptions')
        .column('session_id')
        .execute();
      await db.schema
        .createTable('room_mutes')
        .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addPrimaryKeyConstraint('room_mutes_pk', ['room_id', 'user_id'])
        .execute();
      await db.schema.createIndex('room_mutes_user').on('room_mutes').column('user_id').execute();
      await db.schema
        .createTable('webhooks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0004_notification_outbox': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('notification_outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        // Unique, and NULL once claimed: NULLs never collide on either engine.
        .addColumn('collapse_key', 'text', (c) => c.unique())
        .addColumn('webhook_id', 'text')
        .addColumn('user_id', 'text')
        .addColumn('room_id', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('messages', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('claims', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('claimed_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('notification_outbox_due')
        .on('notification_outbox')
        .column('due_at')
        .execute();
    },
  },
  '0005_api_keys': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
    },
  },
  '0006_retention': {
    async up(db: Kysely<unknown>) {
      // A room's own message retention in days (NULL: the server's default).
      await db.schema.alterTable('rooms').addColumn('retention_days', 'integer').execute();
      // The first seq still in the room's log: retention deletes the log before it.
      await db.schema
        .alterTable('rooms')
        .addColumn('history_start', 'bigint', (c) => c.notNull().defaultTo(1))
        .execute();
      // When the account was deleted: the row stays, anonymised, as the author of kept messages.
      await db.schema.alterTable('users').addColumn('deleted_at', 'bigint').execute();
      // Retention finds a room's cut by time among its messages.
      await db.schema
        .createIndex('messages_room_created')
        .on('messages')
        .columns(['room_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('messages_author_created')
        .on('messages')
        .columns(['author_id', 'created_at'])
        .execute();
    },
  },
  '0007_external_identity': {
    async up(db: Kysely<unknown>) {
      // A session that ends by itself (a token minted for an app's user, a JWT's exp); NULL:
      // only the idle lifetime ends it.
      await db.schema.alterTable('sessions').addColumn('expires_at', 'bigint').execute();
      // An app's own id for one of its users, and the Confab user it maps to.
      await db.schema
        .createTable('external_identities')
        .addColumn('external_id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) =>
          c.notNull().unique().references('users.id').onDelete('cascade'),
        )
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
    },
  },
  '0008_conversations': {
    async up(db: Kysely<unknown>) {
      // Replies, threads, mentions and pins live on the message row; a thread's summary is kept
      // on its root, updated in the transaction that appends a reply.
      const columns: [string, 'text' | 'integer' | 'bigint', number | undefined][] = [
        ['reply_to_id', 'text', undefined],
        ['thread_id', 'text', undefined],
        ['also_in_room', 'integer', 0],
        /** JSON array of the user ids named with @username; NULL when none. */
        ['mentions', 'text', undefined],
        ['mentions_room', 'integer', 0],
        ['pinned_by', 'text', undefined],
        ['pinned_at', 'bigint', undefined],
        ['reply_count', 'integer', 0],
        ['last_reply_at', 'bigint', undefined],
        ['last_reply_author_id', 'text', undefined],
      ];
      for (const [name, type, defaultValue] of columns) {
        await db.schema
          .alterTable('messages')
          .addColumn(name, type, (c) =>
            defaultValue === undefined ? c : c.notNull().defaultTo(defaultValue),
          )
          .execute();
      }
      // A thread's replies in order.
      await db.schema
        .createIndex('messages_thread')
        .on('messages')
        .columns(['thread_id', 'seq'])
        .execute();
      await db.schema
        .createTable('reactions')
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('emoji', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('room_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('reactions_pk', ['message_id', 'emoji', 'user_id'])
        .execute();
      // Where a user was mentioned, newest first (message ids are time-ordered).
      await db.schema
        .createTable('mentions')
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('room_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('mentions_pk', ['user_id', 'message_id'])
        .execute();
      await db.schema.createIndex('mentions_message').on('mentions').column('message_id').execute();
      // A row in room_mutes now carries the member's notification level ('mentions' or 'none';
      // no row is 'all'); existing mutes become 'mentions'.
      await db.schema
        .alterTable('room_mutes')
        .addColumn('level', 'text', (c) => c.notNull().defaultTo('mentions'))
        .execute();
    },
  },
  '0009_reactions_pins': {
    async up(db: Kysely<unknown>) {
      // The seq of a reaction's `reaction.added` event: who reacted first, and which emoji was
      // used first, must not depend on two reactions landing in different milliseconds.
      await db.schema
        .alterTable('reactions')
        .addColumn('seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      // A room's pinned messages (the pinned list, and the count its limit checks) without a
      // scan of the room's history: only pinned rows are in it.
      await db.schema
        .createIndex('messages_pinned')
        .on('messages')
        .columns(['room_id', 'pinned_at'])
        .where(sql.ref('pinned_at'), 'is not', null)
        .execute();
    },
  },
  '0010_search': {
    async up(db: Kysely<unknown>) {
      // Full-text search over message bodies (search.ts). Deleted messages keep an empty body,
      // so they index nothing; an edit replaces the indexed text.
      if (db.getExecutor().adapter instanceof PostgresAdapter) {
        // An expression index, not a stored tsvector column: every `selectAll` of messages
        // would carry the column. Building it indexes the existing messages.
        await sql`create index messages_search on messages using gin (${sql.raw(PG_SEARCH_DOCUMENT)})`.execute(
          db,
        );
        return;
      }
      // External content: the index holds no copy of the text; triggers keep it in step with
      // the body, so the code that writes messages does not know it exists. `messages` has a
      // text key, so the index points at its implicit rowid (VACUUM keeps rowids of a table
      // that has indexes; `INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')` re-makes
      // the index from the table should they ever drift).
      await sql`create virtual table messages_fts using fts5(body, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0')`.execute(
        db,
      );
      await sql`create trigger messages_fts_insert after insert on messages begin
        insert into messages_fts(rowid, body) values (new.rowid, new.body);
      end`.execute(db);
      await sql`create trigger messages_fts_delete after delete on messages begin
        insert into messages_fts(messages_fts, rowid, body) values ('delete', old.rowid, old.body);
      end`.execute(db);
      await sql`create trigger messages_fts_update after update of body on messages begin
        insert into messages_fts(messages_fts, rowid, body) values ('delete', old.rowid, old.body);
        insert into messages_fts(rowid, body) values (new.rowid, new.body);
      end`.execute(db);
      await sql`insert into messages_fts(messages_fts) values ('rebuild')`.execute(db);
    },
  },
  '0012_avatars': {
    async up(db: Kysely<unknown>) {
      // The picture, as the server re-encoded it (a 256x256 WebP of a few KB), in a table of
      // its own: reading users never carries it. users.avatar_version is what clients see
      // (User.avatarVersion), so every query that reads a user knows whether one exists
      // without a join.
      const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
      await db.schema
        .createTable('avatars')
        .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
        .addColumn('image', bytes, (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('users').addColumn('avatar_version', 'bigint').execute();
    },
  },
  '0011_files': {
    async up(db: Kysely<unknown>) {
      // Files live in the database the nodes already share (no second engine to run, back up
      // and keep consistent): the bytes in chunks of a few hundred KiB, so neither an upload
      // nor a download holds a whole file in memory. See ports/file-store.ts.
      const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
      await db.schema
        .createTable('files')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('room_id', 'text', (c) => c.notNull())
        .addColumn('uploader_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('width', 'bigint')
        .addColumn('height', 'bigint')
        .addColumn('thumbnail', sql.raw(bytes))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // 0 while its bytes are still coming in.
        .addColumn('complete', 'bigint', (c) => c.notNull().defaultTo(0))
        // Null until a send carries it.
        .addColumn('message_id', 'text')
        .execute();
      await db.schema.createIndex('files_message').on('files').column('message_id').execute();
      await db.schema
        .createIndex('files_pending')
        .on('files')
        .columns(['uploader_id', 'created_at'])
        .where(sql.ref('message_id'), 'is', null)
        .execute();
      await db.schema
        .createTable('file_chunks')
        .addColumn('file_id', 'text', (c) => c.notNull())
        .addColumn('idx', 'bigint', (c) => c.notNull())
        .addColumn('data', sql.raw(bytes), (c) => c.notNull())
        .addPrimaryKeyConstraint('file_chunks_pk', ['file_id', 'idx'])
        .execute();
      // What a message carries, as FileInfo JSON: read with the message, no join.
      await db.schema.alterTable('messages').addColumn('attachments', 'text').execute();
    },
  },
  '0013_event_notices': {
    async up(db: Kysely<unknown>) {
      // The log rows history pages show as notices (joins, leaves, room and role changes) are
      // the ones without a message: read by seq without a scan of the messages, reactions and
      // thread replies between them (notices.ts).
      await db.schema
        .createIndex('events_notices')
        .on('events')
        .columns(['room_id', 'seq'])
        .where(sql.ref('message_id'), 'is', null)
        .execute();
    },
  },
  '0014_no_author_time_index': {
    async up(db: Kysely<unknown>) {
      // A group commit writes one page of an index keyed by author per author in the batch:
      // with 100 people sending, dropping this one (0006, read only by the data export) raised
      // SQLite's sends/s by ~13% (bench/RESULTS.md). The export now pages through the
      // idempotency index (author_id, client_msg_id) and sorts what it read.
      await db.schema.dropIndex('messages_author_created').execute();
    },
  },
  '0015_idempotency_by_client_id': {
    async up(db: Kysely<unknown>) {
      // The idempotency key's columns swap: (client_msg_id, author_id). Every send writes its
      // entry; keyed by author first, a group commit of 50 senders wrote ~50 leaves of this
      // index (and split them as they filled), most of the pages the commit wrote. The SDK's
      // clientMsgIds are time-ordered, so keyed by them first the entries of a batch land on
      // the index's last leaf or two (bench/RESULTS.md). Lookups give both columns either way.
      if (db.getExecutor().adapter instanceof PostgresAdapter) {
        await sql`alter table messages drop constraint messages_idempotency`.execute(db);
        await sql`alter table messages add constraint messages_idempotency unique (client_msg_id, author_id)`.execute(
          db,
        );
        return;
      }
      await swapSqliteIdempotencyKey(db);
    },
  },
  '0016_fewer_indexes_per_send': {
    async up(db: Kysely<unknown>) {
      // Every send wrote an entry in each of these two, and a group commit rewrote their last
      // pages: together ~15% of a batch's work in SQLite (bench/RESULTS.md, "The SQLite send
      // path"). Retention, the only reader of (room_id, created_at), now walks the room's log
      // by seq instead (retention.ts).
      await db.schema.dropIndex('messages_room_created').ifExists().execute();
      // Most messages are in no thread: their NULL thread_id needs no entry. `thread_id = ?`
      // implies NOT NULL, so both databases still read a thread's replies from this index.
      await db.schema.dropIndex('messages_thread').ifExists().execute();
      await db.schema
        .createIndex('messages_thread')
        .ifNotExists()
        .on('messages')
        .columns(['thread_id', 'seq'])
        .where(sql.ref('thread_id'), 'is not', null)
        .execute();
    },
  },
};

/**
 * SQLite cannot drop a table's UNIQUE constraint: `messages` is rebuilt with the swapped one, as
 * SQLite's documented table rebuild does it (foreign keys off, a copy with the same rowids, so
 * the full-text index's rows still match, then the old table's indexes and triggers again). Done
 * already (a crash after the rebuild, before Kysely recorded it): nothing to do.
 */
async function swapSqliteIdempotencyKey(db: Kysely<unknown>): Promise<void> {
  const before = '"messages_idempotency" unique ("author_id", "client_msg_id")';
  const after = '"messages_idempotency" unique ("client_msg_id", "author_id")';
  const { rows: tables } = await sql<{ sql: string }>`
    select sql from sqlite_schema where type = 'table' and name = 'messages'`.execute(db);
  const table = tables[0]?.sql ?? '';
  if (table.includes(after)) return;
  // SQLite keeps the statement as written, its first words in capitals.
  const head = /^create table "messages" \(/i;
  if (!table.includes(before) || !head.test(table)) {
    throw new Error(`messages is not as migration 0001 made it: ${table}`);
  }
  const rebuilt = table.replace(head, 'create table "messages_rebuilt" (').replace(before, after);
  const { rows: dependents } = await sql<{ sql: string }>`
    select sql from sqlite_schema
    where tbl_name = 'messages' and type in ('index', 'trigger') and sql is not null
    order by type, name`.execute(db);
  const { rows: columns } = await sql<{ name: string }>`
    select name from pragma_table_info('messages')`.execute(db);
  const list = sql.join(columns.map((c) => sql.ref(c.name)));
  // Inside a transaction the pragma is a no-op: it goes first, and back on after.
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin immediate`.execute(db);
    try {
      await sql.raw(rebuilt).execute(db);
      await sql`insert into messages_rebuilt (rowid, ${list}) select rowid, ${list} from messages`.execute(
        db,
      );
      await sql`drop table messages`.execute(db);
      await sql`alter table messages_rebuilt rename to messages`.execute(db);
      for (const { sql: statement } of dependents) await sql.raw(statement).execute(db);
      const { rows: broken } = await sql`pragma foreign_key_check`.execute(db);
      if (broken.length > 0) throw new Error(`foreign keys broken: ${JSON.stringify(broken)}`);
      await sql`commit`.execute(db);
    } catch (error) {
      await sql`rollback`.execute(db);
      throw error;
    }
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Migration names in code-unit order, which for these names ('0001_...', zero-padded) is their
 * number's. Kysely's default comparator is `localeCompare`, which would make every start load
 * ICU's collation data (code-units.ts).
 */
const migratorOf = (db: Kysely<Database>) =>
  new Migrator({ db, provider, nameComparator: byCodeUnits });

/** Brings the schema up to date; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = migratorOf(db);
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    if (failed) throw new Error(`Migration ${failed} failed: ${String(error)}`, { cause: error });
    // Kysely refuses a database on which a migration this code does not know has run: an older
    // version started after a newer one migrated it (a deploy rolled back).
    const newer = /previously executed migration (\S+) is missing/.exec(String(error))?.[1];
    throw new Error(
      newer
        ? `This database was migrated by a newer version of Confab (migration ${newer}, unknown to this one): start that version, or restore a backup taken before the upgrade`
        : `Migrations could not run: ${String(error)}`,
      { cause: error },
    );
  }
}

/** Brings the schema up to migration `name` only: tests of a migration over rows stored before it. */
export async function migrateTo(db: Kysely<Database>, name: string): Promise<void> {
  const { error } = await migratorOf(db).migrateTo(name);
  if (error) throw error;
}
