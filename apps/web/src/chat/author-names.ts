import type { ChatClient } from '@confab/client';

type Names = ReadonlyMap<string, string>;

/**
 * Display names of room members for notifications, read with room.members once per room and
 * again when an author is missing (joined since). Resolves null when they cannot be read.
 */
export function createAuthorNames(client: ChatClient) {
  const rooms = new Map<string, Promise<Names>>();
  const load = (roomId: string): Promise<Names> => {
    const names = client.api.room.members
      .query({ roomId })
      .then((members): Names => new Map(members.map((m) => [m.userId, m.displayName])));
    rooms.set(roomId, names);
    names.catch(() => rooms.delete(roomId));
    return names;
  };
  return async (roomId: string, userId: string): Promise<string | null> => {
    try {
      let names = await (rooms.get(roomId) ?? load(roomId));
      if (!names.has(userId)) names = await load(roomId);
      return names.get(userId) ?? null;
    } catch {
      return null;
    }
  };
}
