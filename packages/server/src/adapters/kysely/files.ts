import type { FileInfo } from '@confab/contracts';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { FileStore, StoredFile } from '../../ports/file-store.js';
import type { Database } from './schema.js';

type FileRow = Selectable<Database['files']>;

function toFileInfo(row: FileRow): FileInfo {
  const info: FileInfo = { id: row.id, name: row.name, size: Number(row.size), type: row.type };
  if (row.width !== null && row.height !== null)
    info.image = { width: Number(row.width), height: Number(row.height) };
  return info;
}

/** Deletes files (rows and bytes) by id, in the caller's transaction. */
export async function deleteFiles(tx: Kysely<Database>, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.deleteFrom('file_chunks').where('file_id', 'in', ids).execute();
  await tx.deleteFrom('files').where('id', 'in', ids).execute();
}

/** Deletes the files the messages carry (a message deleted, or removed by retention). */
export async function deleteFilesOf(
  tx: Kysely<Database>,
  messageIds: readonly string[],
): Promise<void> {
  if (messageIds.length === 0) return;
  const files = await tx
    .selectFrom('files')
    .select('id')
    .where('message_id', 'in', messageIds)
    .execute();
  await deleteFiles(
    tx,
    files.map((f) => f.id),
  );
}

/** Thrown inside a send's transaction to roll all of it back (see claimAttachments). */
export class AttachmentRefused extends Error {
  readonly result = { status: 'attachment-not-found' } as const;
}

/**
 * Claims a send's attachments in its transaction: each must be a complete upload of the author
 * to the room that no message carries. The UPDATE is its own check (a concurrent send claiming
 * the same file waits for this one's row locks on PostgreSQL, then finds it taken). A refusal
 * throws AttachmentRefused, so the transaction rolls back whatever it wrote before (a thread
 * root's summary, some of the files). Returns the files in the order given.
 */
export async function claimAttachments(
  tx: Transaction<Database>,
  m: { id: string; roomId: string; authorId: string; attachments?: readonly string[] | undefined },
): Promise<FileInfo[] | undefined> {
  const ids = m.attachments ?? [];
  if (ids.length === 0) return undefined;
  if (new Set(ids).size !== ids.length) throw new AttachmentRefused();
  const claimed = await tx
    .updateTable('files')
    .set({ message_id: m.id })
    .where('id', 'in', ids)
    .where('room_id', '=', m.roomId)
    .where('uploader_id', '=', m.authorId)
    .where('complete', '=', 1)
    .where('message_id', 'is', null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== ids.length) throw new AttachmentRefused();
  const rows = await tx.selectFrom('files').selectAll().where('id', 'in', ids).execute();
  const byId = new Map(rows.map((row) => [row.id, toFileInfo(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export function filesStore(db: Kysely<Database>): FileStore {
  return {
    async beginUpload(upload, maxPending) {
      return db.transaction().execute(async (tx) => {
        const member = await tx
          .selectFrom('members')
          .select('user_id')
          .where('room_id', '=', upload.roomId)
          .where('user_id', '=', upload.uploaderId)
          .executeTakeFirst();
        if (!member) return 'not-member' as const;
        const pending = await tx
          .selectFrom('files')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('uploader_id', '=', upload.uploaderId)
          .where('message_id', 'is', null)
          .executeTakeFirstOrThrow();
        if (Number(pending.n) >= maxPending) return 'too-many-pending' as const;
        await tx
          .insertInto('files')
          .values({
            id: upload.id,
            room_id: upload.roomId,
            uploader_id: upload.uploaderId,
            name: upload.name,
            type: upload.type,
            width: null,
            height: null,
            thumbnail: null,
            created_at: upload.at,
            message_id: null,
          })
          .execute();
        return 'started' as const;
      });
    },
    async appendFileChunk(fileId, index, data) {
      await db.insertInto('file_chunks').values({ file_id: fileId, idx: index, data }).execute();
    },
    async finishUpload(fileId, size, image) {
      const row = await db
        .updateTable('files')
        .set({
          size,
          complete: 1,
          width: image?.width ?? null,
          height: image?.height ?? null,
          thumbnail: image?.thumbnail ?? null,
        })
        .where('id', '=', fileId)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toFileInfo(row);
    },
    async discardUpload(fileId) {
      await db.transaction().execute(async (tx) => {
        const row = await tx
          .selectFrom('files')
          .select('id')
          .where('id', '=', fileId)
          .where('message_id', 'is', null)
          .executeTakeFirst();
        if (row) await deleteFiles(tx, [row.id]);
      });
    },
    async cancelUpload(fileId, userId) {
      return db.transaction().execute(async (tx) => {
        const row = await tx
          .selectFrom('files')
          .select('id')
          .where('id', '=', fileId)
          .where('uploader_id', '=', userId)
          .where('message_id', 'is', null)
          .executeTakeFirst();
        if (!row) return false;
        await deleteFiles(tx, [row.id]);
        return true;
      });
    },
    async fileFor(fileId, userId) {
      const row = await db
        .selectFrom('files')
        .innerJoin('members', (join) =>
          join.onRef('members.room_id', '=', 'files.room_id').on('members.user_id', '=', userId),
        )
        .selectAll('files')
        .where('files.id', '=', fileId)
        .where('files.complete', '=', 1)
        .where((eb) =>
          eb.or([eb('files.message_id', 'is not', null), eb('files.uploader_id', '=', userId)]),
        )
        .executeTakeFirst();
      if (!row) return undefined;
      const chunks = await db
        .selectFrom('file_chunks')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('file_id', '=', fileId)
        .executeTakeFirstOrThrow();
      const file: StoredFile = {
        ...toFileInfo(row),
        roomId: row.room_id,
        uploaderId: row.uploader_id,
        messageId: row.message_id ?? undefined,
        chunks: Number(chunks.n),
      };
      return file;
    },
    async readFileChunk(fileId, index) {
      const row = await db
        .selectFrom('file_chunks')
        .select('data')
        .where('file_id', '=', fileId)
        .where('idx', '=', index)
        .executeTakeFirst();
      return row?.data;
    },
    async readThumbnail(fileId) {
      const row = await db
        .selectFrom('files')
        .select('thumbnail')
        .where('id', '=', fileId)
        .executeTakeFirst();
      return row?.thumbnail ?? undefined;
    },
    async deleteStaleUploads(before) {
      return db.transaction().execute(async (tx) => {
        const stale = await tx
          .selectFrom('files')
          .select('id')
          .where('message_id', 'is', null)
          .where('created_at', '<', before)
          .limit(1000)
          .execute();
        await deleteFiles(
          tx,
          stale.map((f) => f.id),
        );
        return stale.length;
      });
    },
  };
}
