import { errorMessageOf } from '@confab/client';
import type { Member } from '@confab/contracts';
import { useEffect, useState } from 'react';
import { useChatClient } from './chat-client';
import type { EventHub } from './event-hub';

/** The open room's members by user id (for author names), reloaded when membership changes. */
export function useMembers(roomId: string, hub: EventHub) {
  const client = useChatClient();
  const [members, setMembers] = useState<ReadonlyMap<string, Member>>(new Map());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    let request = 0;
    const load = () => {
      const current = ++request;
      client.api.room.members.query({ roomId }).then(
        (list) => {
          if (cancelled || current !== request) return;
          setMembers(new Map(list.map((m) => [m.userId, m])));
          setError(null);
        },
        (err: unknown) => {
          if (!cancelled && current === request) setError(errorMessageOf(err));
        },
      );
    };
    load();
    const stop = hub.listen((event) => {
      if (event.roomId === roomId && event.type.startsWith('member.')) load();
    });
    return () => {
      cancelled = true;
      stop();
    };
  }, [client, hub, roomId]);

  return { members, error };
}
