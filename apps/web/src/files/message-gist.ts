import type { FileInfo } from '@confab/contracts';

/**
 * What a message says in one line where its files cannot be shown (the sidebar, a reply's
 * quote, a notification): its text, or for a message of files only, "📎 name" or "📎 3 files".
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
