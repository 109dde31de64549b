// Which log entries are notices (joins, leaves, removals, room and role changes), without zod:
// the web app imports this at startup (see conversation-rules.ts). RoomNotice is in events.ts.

/** The `type`s of RoomNotice, for stores that pick them out of the log. */
export const ROOM_NOTICE_TYPES = [
  'member.joined',
  'member.left',
  'member.removed',
  'room.updated',
  'member.role',
] as const;

const noticeTypes: ReadonlySet<string> = new Set(ROOM_NOTICE_TYPES);
/** Whether a log entry is one a conversation shows as a notice line. */
export function isRoomNotice<E extends { type: string }>(
  event: E,
): event is Extract<E, { type: (typeof ROOM_NOTICE_TYPES)[number] }> {
  return noticeTypes.has(event.type);
}
