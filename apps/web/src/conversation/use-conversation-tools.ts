import type { Member } from '@confab/contracts';
import type { ChatMessage, MessageActions } from '@confab/react';
import { useCallback, useMemo, useState } from 'react';
import { routeHref, useRoute } from '../lib/use-route';
import type { ConversationTools } from './conversation-tools';
import { useRoomPeopleNames } from './use-room-people';

/**
 * The state behind replies, threads, reactions and pins in one room: the message being replied
 * to, the open thread, and the tools (conversation-tools.ts) its messages use.
 */
export function useConversationFeatures(options: {
  roomId: string;
  meId: string;
  members: ReadonlyMap<string, Member>;
  messages: readonly ChatMessage[];
  actions: MessageActions;
}) {
  const { roomId, meId, members, messages, actions } = options;
  const [, navigate] = useRoute();
  const [replyTo, setReplyTo] = useState<ChatMessage | null>(null);
  const [threadId, setThreadId] = useState<string | null>(null);
  // Another room: no reply or thread carries over.
  const [shownRoom, setShownRoom] = useState(roomId);
  if (shownRoom !== roomId) {
    setShownRoom(roomId);
    setReplyTo(null);
    setThreadId(null);
  }

  const loaded = useMemo(() => {
    const byId = new Map<string, ChatMessage>();
    for (const message of messages) if (message.id) byId.set(message.id, message);
    return byId;
  }, [messages]);

  // Authors who left keep their names (room.people), asked for as they are shown.
  const nameOf = useRoomPeopleNames(roomId, members);

  const jumpTo = useCallback(
    (messageId: string) => {
      const route = { name: 'room', roomId, messageId } as const;
      if (window.location.hash !== routeHref(route)) {
        navigate(route);
        return;
      }
      // The link is already open (its message highlighted once): bring the message back in view.
      document
        .querySelector(`[data-message-id="${CSS.escape(messageId)}"]`)
        ?.scrollIntoView({ block: 'center' });
    },
    [navigate, roomId],
  );

  const tools = useMemo<ConversationTools>(
    () => ({
      roomId,
      meId,
      nameOf,
      loaded,
      startReply: (message) => {
        setReplyTo(message);
        document.getElementById('composer-input')?.focus();
      },
      openThread: setThreadId,
      jumpTo,
      react: actions.react,
      pin: actions.pin,
    }),
    [roomId, meId, nameOf, loaded, jumpTo, actions],
  );

  /** The composer's actions: while replying, its next message is the reply. */
  const composerActions = useMemo<MessageActions>(() => {
    const id = replyTo?.id;
    if (!id) return actions;
    return {
      ...actions,
      send: (body, files) => {
        actions.reply(id, body, files);
        setReplyTo(null);
      },
    };
  }, [actions, replyTo]);

  return {
    tools,
    replyTo,
    cancelReply: useCallback(() => setReplyTo(null), []),
    threadId,
    closeThread: useCallback(() => setThreadId(null), []),
    composerActions,
  };
}
