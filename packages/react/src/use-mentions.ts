import { errorMessageOf } from '@confab/client';
import type { MentionsPage } from '@confab/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useChatClient, useCurrentUser } from './provider.js';
import { useChatEvent } from './use-chat-event.js';

type Mention = MentionsPage['mentions'][number];

export interface UseMentions {
  /** Where the user was mentioned, newest first; null until the first page is in. */
  mentions: readonly Mention[] | null;
  /** Older mentions exist beyond the loaded ones. */
  hasMore: boolean;
  loading: boolean;
  error: string | null;
  /** Loads the next (older) page. */
  more(): Promise<void>;
}

/**
 * The places the signed-in user was named (`@username` or `@room`), from message.mentions, paged
 * back in time. The first page is read again when a new message mentions them, when a message
 * they were named in is edited or deleted, and after a reconnect.
 */
export function useMentions(): UseMentions {
  const client = useChatClient();
  const meId = useCurrentUser().id;
  const [mentions, setMentions] = useState<readonly Mention[] | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  // Only the newest request's answer lands (a refresh overtakes a slow "more").
  const latest = useRef(0);
  const loaded = useRef<readonly Mention[] | null>(null);
  loaded.current = mentions;

  const load = useCallback(
    async (beforeId?: string) => {
      const request = ++latest.current;
      setLoading(true);
      try {
        const page = await client.api.message.mentions.query(beforeId ? { beforeId } : {});
        if (request !== latest.current) return;
        setMentions((before) =>
          beforeId && before ? [...before, ...page.mentions] : page.mentions,
        );
        setHasMore(page.hasMore);
        setError(null);
      } catch (err) {
        if (request === latest.current) setError(errorMessageOf(err));
      } finally {
        if (request === latest.current) setLoading(false);
      }
    },
    [client],
  );

  useEffect(() => {
    void load();
    return client.on('synced', () => void load());
  }, [client, load]);

  useChatEvent((event) => {
    if (event.type === 'message.created') {
      const { message } = event;
      const named = message.mentionsRoom === true || message.mentions?.includes(meId) === true;
      if (named && message.authorId !== meId) void load();
    } else if (event.type === 'message.edited' || event.type === 'message.deleted') {
      if (loaded.current?.some((m) => m.message.id === event.messageId)) void load();
    }
  });

  const more = useCallback(async () => {
    const last = loaded.current?.at(-1);
    if (last) await load(last.message.id);
  }, [load]);

  return { mentions, hasMore, loading, error, more };
}
