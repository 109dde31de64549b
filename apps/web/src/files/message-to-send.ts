import { MessageBody } from '@confab/contracts';
import { finishedFiles, type Upload } from './uploads';

/**
 * What a composer sends for its text and attached files: the body, checked by the contracts'
 * own rules (the web app refuses what the server would, with its words), or why nothing goes.
 * With finished files the text may be empty; while a file is uploading nothing goes (the send
 * button is off), and an empty box just does nothing.
 */
export function messageToSend(
  draft: string,
  uploads: readonly Upload[],
): { ok: true; body: string } | { ok: false; error: string | null } {
  if (uploads.some((upload) => upload.state === 'uploading')) return { ok: false, error: null };
  if (!draft.trim() && finishedFiles(uploads).length > 0) return { ok: true, body: '' };
  const parsed = MessageBody.safeParse(draft);
  if (parsed.success) return { ok: true, body: parsed.data };
  return {
    ok: false,
    error: draft.trim() ? (parsed.error.issues[0]?.message ?? 'Invalid message') : null,
  };
}
