// Without zod (see conversation-rules.ts): the web app and the server's Web Push both use it.
import type { FileInfo } from './files.js';

/**
 * What a message says in one line where its files cannot be shown (the sidebar, a reply's
 * quote, a desktop or Web Push notification): its text, or for a message of files only, "📎 name" or "📎 3 files".
 */
export function messageGist(message: {
  body: string;
  attachments?: readonly FileInfo[] | undefined;
}): string {
  if (message.body.trim() || !message.attachments?.length) return message.body;
  const [only] = message.attachments;
  return message.attachments.length === 1 && only
    ? `📎 ${only.name}`
    : `📎 ${message.attachments.length} files`;
}
