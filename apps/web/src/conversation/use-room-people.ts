import type { ChatClient } from '@confab/client';
import { LIMITS, type Member } from '@confab/contracts';
import { useChatClient } from '@confab/react';
import { useCallback, useEffect, useRef, useState } from 'react';

/** A name the server gave (string), or null: it does not know this person in this room. */
type Known = Map<string, string | null>;

/**
 * Names of people per client and room, kept while the app runs: someone who left stays gone, and
 * their name does not change often enough to be worth asking again on every visit.
 */
const caches = new WeakMap<ChatClient, Map<string, Known>>();

function cacheOf(client: ChatClient, roomId: string): Known {
  let rooms = caches.get(client);
  if (!rooms) {
    rooms = new Map();
    caches.set(client, rooms);
  }
  let known = rooms.get(roomId);
  if (!known) {
    known = new Map();
    rooms.set(roomId, known);
  }
  return known;
}

/**
 * `nameOf` for a room's messages: a member's display name, else the name room.people gives for
 * an author who has left (asked once per id, in batches), and "Former member" only for someone
 * the server does not know in this room. While a name is being asked for, it is an ellipsis.
 */
export function useRoomPeopleNames(roomId: string, members: ReadonlyMap<string, Member>) {
  const client = useChatClient();
  // Bumped when answers arrive, so that nameOf changes and what it named renders again.
  const [version, setVersion] = useState(0);
  const pending = useRef(new Set<string>());
  const asking = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flush = useCallback(() => {
    timer.current = null;
    const ids = [...pending.current];
    pending.current.clear();
    const known = cacheOf(client, roomId);
    for (let i = 0; i < ids.length; i += LIMITS.historyPageMax) {
      const batch = ids.slice(i, i + LIMITS.historyPageMax);
      for (const id of batch) asking.current.add(`${roomId}:${id}`);
      const settled = () => {
        for (const id of batch) asking.current.delete(`${roomId}:${id}`);
      };
      client.api.room.people.query({ roomId, userIds: batch }).then(
        (people) => {
          const names = new Map(people.map((p) => [p.id, p.displayName]));
          for (const id of batch) known.set(id, names.get(id) ?? null);
          settled();
          setVersion((v) => v + 1);
        },
        // Not answered (offline, or no longer a member): nothing new to show, so no render (that
        // would ask again at once); asked again the next time the name is rendered.
        settled,
      );
    }
  }, [client, roomId]);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      pending.current.clear();
    },
    [roomId],
  );

  // `version` is a dependency on purpose: a new nameOf when answers arrive.
  return useCallback(
    (userId: string): string => {
      const member = members.get(userId)?.displayName;
      if (member !== undefined) return member;
      const known = cacheOf(client, roomId);
      const name = known.get(userId);
      if (name !== undefined) return name ?? 'Former member';
      // No members yet: the list is loading (a room has at least its viewer), and most authors
      // will be in it; asking room.people for all of them now would be wasted.
      if (members.size > 0 && !asking.current.has(`${roomId}:${userId}`)) {
        // Called while rendering: the question is sent after it, several names in one call.
        pending.current.add(userId);
        timer.current ??= setTimeout(flush, 0);
      }
      return '…';
    },
    [client, roomId, members, flush, version],
  );
}
