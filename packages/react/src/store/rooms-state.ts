import type { ChatEvent } from '@confab/client';
import type { RoomEvent, RoomSummary } from '@confab/contracts';

/** The rooms after an event, and whether only the server can say the rest (a refetch). */
export interface RoomsUpdate {
  rooms: RoomSummary[];
  refresh: boolean;
}

/** As room.mine orders them: latest activity first, then by id. */
export function sortByActivity(rooms: readonly RoomSummary[]): RoomSummary[] {
  return [...rooms].sort(
    (a, b) =>
      b.room.lastActivityAt - a.room.lastActivityAt ||
      (a.room.id < b.room.id ? -1 : a.room.id > b.room.id ? 1 : 0),
  );
}

/** Whether a read marker at `seq` leaves no unread message in the room. */
function readsAll(summary: RoomSummary, seq: number): boolean {
  return (
    summary.unreadCount === 0 ||
    seq >= summary.room.lastSeq ||
    (summary.lastMessage !== null && seq >= summary.lastMessage.seq)
  );
}

function withReadMarker(summary: RoomSummary, lastReadSeq: number): RoomSummary {
  if (lastReadSeq <= summary.lastReadSeq) return summary;
  return {
    ...summary,
    lastReadSeq,
    unreadCount: readsAll(summary, lastReadSeq) ? 0 : summary.unreadCount,
  };
}

/** Every entry of the log moves the room's last seq and its activity time (as the server does). */
function logged(summary: RoomSummary, event: RoomEvent): RoomSummary {
  return {
    ...summary,
    room: {
      ...summary.room,
      lastSeq: Math.max(summary.room.lastSeq, event.seq),
      lastActivityAt: Math.max(summary.room.lastActivityAt, event.at),
    },
  };
}

/** The summary after a log entry of its room; 'left' when the user left, 'ask' when unknowable. */
function applyRoomEvent(
  summary: RoomSummary,
  event: RoomEvent,
  meId: string | null,
): RoomSummary | 'left' | 'ask' {
  const next = logged(summary, event);
  switch (event.type) {
    case 'message.created': {
      const { message } = event;
      // A reply only in its thread is not the room's last message, nor unread in the room.
      if (message.threadId !== undefined && message.alsoInRoom !== true) return next;
      const newer = summary.lastMessage === null || message.seq > summary.lastMessage.seq;
      const unread = message.authorId !== meId && message.seq > summary.lastReadSeq;
      return {
        ...next,
        lastMessage: newer ? message : summary.lastMessage,
        unreadCount: summary.unreadCount + (unread ? 1 : 0),
      };
    }
    case 'message.edited':
      if (summary.lastMessage?.id !== event.messageId) return next;
      return {
        ...next,
        lastMessage: { ...summary.lastMessage, body: event.body, editedAt: event.at },
      };
    case 'message.deleted':
      // Which message is last now, and whether it was unread, only the server knows.
      return 'ask';
    case 'member.left':
    case 'member.removed':
      return event.userId === meId ? 'left' : next;
    case 'room.updated':
      return {
        ...next,
        room: {
          ...next.room,
          name: event.name,
          topic: event.topic,
          ...(event.kind ? { kind: event.kind } : {}),
        },
      };
    case 'member.role':
      return event.userId === meId ? { ...next, role: event.role } : next;
    default:
      return next;
  }
}

/** Applies one stream event to "my rooms", as far as it can be without asking the server. */
export function applyEvent(
  rooms: readonly RoomSummary[],
  event: ChatEvent,
  meId: string | null,
): RoomsUpdate {
  const same = { rooms: [...rooms], refresh: false };
  if (event.type === 'read.updated') {
    const index = rooms.findIndex((s) => s.room.id === event.roomId);
    const summary = rooms[index];
    if (!summary) return { ...same, refresh: true };
    const next = [...rooms];
    next[index] = withReadMarker(summary, event.lastReadSeq);
    return { rooms: next, refresh: !readsAll(summary, event.lastReadSeq) };
  }
  if (event.type === 'profile') {
    // A direct conversation shows its peer's name and picture: the new ones, at once.
    const { user } = event;
    if (!rooms.some((s) => s.peer?.id === user.id)) return same;
    return {
      rooms: rooms.map((s) => (s.peer?.id === user.id ? { ...s, peer: user } : s)),
      refresh: false,
    };
  }
  if (!('seq' in event)) return same;
  const summary = rooms.find((s) => s.room.id === event.roomId);
  // A room we do not list yet: we were just added (invited, DM'd, joined elsewhere).
  if (!summary) return { ...same, refresh: true };
  const result = applyRoomEvent(summary, event, meId);
  const others = rooms.filter((s) => s !== summary);
  if (result === 'left') return { rooms: others, refresh: false };
  if (result === 'ask')
    return { rooms: sortByActivity([...others, logged(summary, event)]), refresh: true };
  return { rooms: sortByActivity([...others, result]), refresh: false };
}

/**
 * A fetched room.mine merged with what events taught us meanwhile: a room whose log moved past
 * what the server's answer says keeps our version; read markers only move forward.
 */
export function mergeFetched(
  local: readonly RoomSummary[] | null,
  fetched: readonly RoomSummary[],
): RoomSummary[] {
  if (!local) return [...fetched];
  const held = new Map(local.map((s) => [s.room.id, s]));
  return sortByActivity(
    fetched.map((server) => {
      const mine = held.get(server.room.id);
      if (!mine) return server;
      const base = mine.room.lastSeq > server.room.lastSeq ? mine : server;
      return withReadMarker(base, Math.max(mine.lastReadSeq, server.lastReadSeq));
    }),
  );
}
