import type { RoomSummary } from '@confab/contracts';
import { useEffect } from 'react';

/** "(3) Confab" while 3 messages are unread, so a background tab shows it. */
export function useDocumentTitle(rooms: readonly RoomSummary[] | null): void {
  const unread = rooms?.reduce((sum, s) => sum + s.unreadCount, 0) ?? 0;
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Confab` : 'Confab';
  }, [unread]);
}
