import type { ChatClient } from '@confab/client';

type Names = ReadonlyMap<string, string>;

/**
 * Display names of room members for notifications, read with room.members once per room and
 * again when an author is missing (joined since); an author who left is asked for with
 * room.people. Resolves null when they cannot be read.
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
      const name = names.get(userId);
      if (name !== undefined) return name;
      // Not a member now: someone who wrote in the room and left keeps their name.
      const [person] = await client.api.room.people.query({ roomId, userIds: [userId] });
      return person?.displayName ?? null;
    } catch {
      return null;
    }
  };
}
