import type { FileInfo } from '@confab/contracts';

/** An upload as it starts: its bytes follow chunk by chunk. */
export interface NewUpload {
  id: string;
  roomId: string;
  uploaderId: string;
  name: string;
  /** The media type the client declared, already cleaned (cleanMediaType). */
  type: string;
  at: number;
}

/** A complete file and who may fetch it, as a download reads it. */
export interface StoredFile extends FileInfo {
  roomId: string;
  uploaderId: string;
  /** The message carrying it; undefined while it is an upload not sent yet. */
  messageId: string | undefined;
  /** How many chunks its bytes are in (read them with readFileChunk 0..chunks-1). */
  chunks: number;
}

/**
 * Files, kept in the database the nodes share (see migration 0011_files): a row per file and
 * its bytes in chunks, written as an upload streams in and read one at a time as a download
 * streams out, so memory never grows with a file's size. A file is an upload until a send
 * claims it (AppendResult 'attachment-not-found' otherwise); deleting the message deletes it.
 */
export interface FileStore {
  /**
   * Starts an upload by a member of the room; refused while the uploader already has
   * `maxPending` uploads that no message carries (nothing is written then).
   */
  beginUpload(
    upload: NewUpload,
    maxPending: number,
  ): Promise<'started' | 'not-member' | 'too-many-pending'>;
  /** Stores chunk `index` (0, 1, 2... in order) of an upload. */
  appendFileChunk(fileId: string, index: number, data: Uint8Array): Promise<void>;
  /** Marks the upload complete with its size, and what decoding it as an image found. */
  finishUpload(
    fileId: string,
    size: number,
    image: { width: number; height: number; thumbnail: Uint8Array } | undefined,
  ): Promise<FileInfo>;
  /** Deletes an upload that no message carries (a failed or cancelled one), bytes and all. */
  discardUpload(fileId: string): Promise<void>;
  /**
   * Cancels the user's own upload that no message carries yet; false when there is none such.
   */
  cancelUpload(fileId: string, userId: string): Promise<boolean>;
  /**
   * The complete file if `userId` may fetch it: a member of its room now, and the file is
   * carried by a message (deleting the message deleted it) or is the user's own upload.
   */
  fileFor(fileId: string, userId: string): Promise<StoredFile | undefined>;
  readFileChunk(fileId: string, index: number): Promise<Uint8Array | undefined>;
  readThumbnail(fileId: string): Promise<Uint8Array | undefined>;
  /** Deletes uploads started before `before` that no message carries; how many went. */
  deleteStaleUploads(before: number): Promise<number>;
}
