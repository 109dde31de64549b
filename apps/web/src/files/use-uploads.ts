import type { FileInfo } from '@confab/contracts';
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { cancelUpload, UploadAborted, type UploadRequest, uploadFile } from './upload-file';
import { finishedFiles, refusalOf, type Upload, uploadsReducer } from './uploads';

let nextKey = 0;

/**
 * Uploads sent at once; the rest wait their turn. The server takes three at once per user
 * (docs/files.md, `uploadsAtOncePerUser`) and refuses more with RATE_LIMITED.
 */
const UPLOADS_AT_ONCE = 3;

/**
 * The composer's attached files for one room. Each starts uploading as it is attached; removing
 * one stops it (or takes back the finished upload); `take` hands the finished ones to a send.
 * At most UPLOADS_AT_ONCE go at a time. Uploads still here when the composer goes away are
 * stopped or taken back: no message will carry them.
 */
export function useUploads(roomId: string) {
  const [uploads, dispatch] = useReducer(uploadsReducer, []);
  const requests = useRef(new Map<string, UploadRequest>());
  /** Attached files waiting for a free slot, in order. */
  const waiting = useRef<{ key: string; file: File }[]>([]);
  // The latest list, for the clean-up when the composer goes away.
  const latest = useRef(uploads);
  latest.current = uploads;

  useEffect(
    () => () => {
      waiting.current = [];
      for (const request of requests.current.values()) request.abort();
      requests.current.clear();
      for (const file of finishedFiles(latest.current)) cancelUpload(file.id);
    },
    [],
  );

  /** Starts waiting uploads while there are free slots. */
  const pump = useCallback(() => {
    while (requests.current.size < UPLOADS_AT_ONCE) {
      const next = waiting.current.shift();
      if (!next) return;
      const { key, file } = next;
      const request = uploadFile(roomId, file, (sent) => dispatch({ type: 'progress', key, sent }));
      requests.current.set(key, request);
      request.done.then(
        (info) => {
          requests.current.delete(key);
          dispatch({ type: 'done', key, file: info });
          pump();
        },
        (error: unknown) => {
          requests.current.delete(key);
          pump();
          if (error instanceof UploadAborted) return;
          const message = error instanceof Error ? error.message : 'The upload failed';
          dispatch({ type: 'failed', key, error: message });
        },
      );
    }
  }, [roomId]);

  /** Attaches files (all or none): null, or why they were refused. */
  const add = useCallback(
    (files: readonly File[]): string | null => {
      if (files.length === 0) return null;
      const refusal = refusalOf(latest.current, files);
      if (refusal) return refusal;
      const added: Upload[] = files.map((file) => ({
        key: `upload-${++nextKey}`,
        name: file.name,
        size: file.size,
        state: 'uploading',
        sent: 0,
      }));
      // Counted at once: files attached again before the next render see these.
      latest.current = [...latest.current, ...added];
      dispatch({ type: 'added', uploads: added });
      added.forEach((upload, i) => {
        const file = files[i];
        if (file) waiting.current.push({ key: upload.key, file });
      });
      pump();
      return null;
    },
    [pump],
  );

  /** Removes a chip: stops its upload, or takes back the finished one. */
  const remove = useCallback((key: string) => {
    waiting.current = waiting.current.filter((entry) => entry.key !== key);
    const request = requests.current.get(key);
    if (request) {
      requests.current.delete(key);
      request.abort();
    }
    const file = latest.current.find((upload) => upload.key === key)?.file;
    if (file) cancelUpload(file.id);
    dispatch({ type: 'removed', key });
  }, []);

  /** The finished files, for a send; the chips go (failed ones too: they were never sent). */
  const take = useCallback((): FileInfo[] => {
    const files = finishedFiles(latest.current);
    latest.current = [];
    dispatch({ type: 'cleared' });
    return files;
  }, []);

  return useMemo(() => ({ uploads, add, remove, take }), [uploads, add, remove, take]);
}
