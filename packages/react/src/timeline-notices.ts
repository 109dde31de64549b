import type { RoomNotice } from '@confab/contracts';

/**
 * Notices merged by seq, oldest first, each seq once: a page's and the stream's copies of one
 * log entry are the same entry, so whichever came first is kept.
 */
export function mergeNotices(
  current: readonly RoomNotice[],
  incoming: readonly RoomNotice[] | undefined,
): readonly RoomNotice[] {
  if (!incoming || incoming.length === 0) return current;
  const bySeq = new Map<number, RoomNotice>();
  for (const notice of current) bySeq.set(notice.seq, notice);
  for (const notice of incoming) if (!bySeq.has(notice.seq)) bySeq.set(notice.seq, notice);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** Drops notices the server no longer keeps (before `startSeq`, cut by retention). */
export function noticesFrom(
  notices: readonly RoomNotice[],
  startSeq: number,
): readonly RoomNotice[] {
  return notices.some((n) => n.seq < startSeq) ? notices.filter((n) => n.seq >= startSeq) : notices;
}
