// Unsent text per room, kept in this browser's localStorage: it survives a reload and coming back
// to the room, stays on this device, and is keyed by the signed-in user so that another account
// on the same browser never sees it.
const PREFIX = 'confab:draft:';

const keyOf = (userId: string, roomId: string) => `${PREFIX}${userId}:${roomId}`;

/** The draft the user left in a room on this device ('' when none). */
export function readDraft(userId: string, roomId: string): string {
  try {
    return localStorage.getItem(keyOf(userId, roomId)) ?? '';
  } catch {
    return ''; // storage disabled (some private modes): drafts just do not outlive the page
  }
}

/** Keeps the draft, or forgets it when it is empty (sent or cleared). */
export function writeDraft(userId: string, roomId: string, text: string): void {
  try {
    if (text) localStorage.setItem(keyOf(userId, roomId), text);
    else localStorage.removeItem(keyOf(userId, roomId));
  } catch {
    // Full or disabled storage: the draft lives as long as the page, as it did before.
  }
}
