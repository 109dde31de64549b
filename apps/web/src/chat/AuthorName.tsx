import { useEffect, useState } from 'react';
import type { createAuthorNames } from './author-names';

/**
 * An author's display name, looked up by `resolve` (members, then people who left): "…" while it
 * loads, "Former member" only when the server does not know them.
 */
export function AuthorName(props: {
  resolve: ReturnType<typeof createAuthorNames>;
  roomId: string;
  userId: string;
  testId?: string;
}) {
  const { resolve, roomId, userId } = props;
  // undefined while it loads; null: unknown to the room.
  const [name, setName] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void resolve(roomId, userId).then((n) => live && setName(n));
    return () => {
      live = false;
    };
  }, [resolve, roomId, userId]);
  if (name === undefined) return <span aria-hidden="true">…</span>;
  return <bdi data-testid={props.testId}>{name ?? 'Former member'}</bdi>;
}
