import type { RoomSummary } from '@confab/contracts';
import {
  type MessagesStart,
  useChatEvent,
  useCurrentUser,
  useMarkRead,
  useMembers,
  useMessageActions,
  useMessages,
  useReceipts,
} from '@confab/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { isolateText } from '../lib/bidi';
import { roomTitle } from '../lib/format';
import { isUnreachableMessage, UNREACHABLE_MESSAGE } from '../lib/unreachable';
import { usePageVisible } from '../lib/use-page-visible';
import { Alert } from '../ui/Alert';
import { Composer } from './Composer';
import { ConnectionBanner } from './ConnectionBanner';
import { ConversationHeader } from './ConversationHeader';
import { ConversationToolsContext } from './conversation-tools';
import { MessageList } from './MessageList';
import { RoomPeopleContext } from './mention-context';
import { ReplyBar } from './ReplyBar';
import { RoomDetails } from './RoomDetails';
import { ThreadPanel } from './ThreadPanel';
import { TypingIndicator } from './TypingIndicator';
import { useAnnouncement } from './use-announcement';
import { useMarkAllRead, useOpeningStart, useUnreadDivider } from './use-catch-up';
import { useConversationFeatures } from './use-conversation-tools';
import { useDetailsPanel } from './use-details-panel';
import type { OnScreen } from './use-on-screen';
import { useReloadWhenBack } from './use-reload-when-back';
import type { Landing } from './use-scroll-anchor';
import { useSeenBy } from './use-seen-by';

/** One room: header, messages (history, live, outgoing), typing, composer, and members. */
export function Conversation(props: {
  roomId: string;
  /** Undefined for a moment after creating or joining, until "my rooms" has reloaded. */
  summary: RoomSummary | undefined;
  /** "My rooms" has loaded (so a missing summary means the user is not a member). */
  roomsLoaded: boolean;
  /** A message link's message: the room opens around it, highlighted. */
  messageId?: string;
  onBack: () => void;
}) {
  const { roomId, summary } = props;
  const me = useCurrentUser();
  const opening = useOpeningStart(props.messageId, summary, props.roomsLoaded);
  const timeline = useMessages(roomId, { start: opening });
  const { members, byId, error: membersError, refresh: refreshMembers } = useMembers(roomId);
  const actions = useMessageActions(roomId);
  const receipts = useReceipts(roomId);
  const visible = usePageVisible();
  const details = useDetailsPanel('room-details');
  const { open: detailsOpen, setOpen: setDetailsOpen } = details;
  const [leftNow, setLeftNow] = useState(false);
  const [wasMember, setWasMember] = useState(false);
  // Removed while this device was offline, the room just drops out of "my rooms" on resume.
  const left = leftNow || (wasMember && props.roomsLoaded && !summary);
  useEffect(() => {
    if (summary) setWasMember(true);
  }, [summary]);
  const divider = useUnreadDivider({
    roomId,
    summary,
    messages: timeline.messages,
    meId: me.id,
    visible,
    loaded: timeline.loaded,
    hasNewer: timeline.hasNewer,
  });
  const markAllRead = useMarkAllRead(
    roomId,
    Math.max(summary?.room.lastSeq ?? 0, timeline.lastSeq),
    divider.clear,
  );
  const [seenSeq, setSeenSeq] = useState(0);
  const onScreenChange = useCallback((onScreen: OnScreen) => setSeenSeq(onScreen.maxSeq), []);
  const { jumpTo } = timeline;
  // Loaded while the server was unreachable: said in words, and loaded again once it is back.
  const unreachable = isUnreachableMessage(timeline.error ?? membersError);
  useReloadWhenBack(unreachable, () => {
    if (isUnreachableMessage(timeline.error)) jumpTo(timeline.start);
    if (isUnreachableMessage(membersError)) void refreshMembers();
  });
  // Sending from a window into history goes to the live end, where the message will show.
  const sendActions = useMemo(
    () =>
      timeline.hasNewer
        ? {
            ...actions,
            send: (...args: Parameters<typeof actions.send>) => {
              jumpTo({ at: 'newest' });
              actions.send(...args);
            },
          }
        : actions,
    [actions, jumpTo, timeline.hasNewer],
  );

  // Replies, threads, reactions and pins (issue 16): the side panel shows a thread or the details.
  const features = useConversationFeatures({
    roomId,
    meId: me.id,
    members: byId,
    messages: timeline.messages,
    actions: sendActions,
  });
  const { threadId, closeThread } = features;
  useEffect(() => {
    if (threadId) setDetailsOpen(false);
  }, [threadId]);
  useEffect(() => {
    if (detailsOpen) closeThread();
  }, [detailsOpen, closeThread]);

  useChatEvent((event) => {
    const gone = event.type === 'member.left' || event.type === 'member.removed';
    if (gone && event.roomId === roomId && event.userId === me.id) setLeftNow(true);
  });

  // Messages count as read as they are seen: up to the newest one in view while the tab is
  // visible; with the live end's last message in view, all of the log (edits and the like after
  // it). Not "scrolled to the bottom": the view opens at the first unread, not there.
  const lastMessageSeq = timeline.messages.findLast((m) => m.seq !== null)?.seq ?? null;
  const allSeen = !timeline.hasNewer && lastMessageSeq !== null && seenSeq >= lastMessageSeq;
  const readSeq = allSeen ? timeline.lastSeq : seenSeq;
  useMarkRead(roomId, readSeq, timeline.loaded && visible && !left);

  const seen = useSeenBy(timeline.messages, receipts, byId, me.id, summary?.room.kind === 'direct');
  const announcement = useAnnouncement(timeline.messages, timeline.loaded, byId, me.id);
  // Who `@name` can mention here: message text highlights them, the composer offers them.
  const people = useMemo(() => {
    const mine = members?.find((m) => m.userId === me.id);
    return {
      members,
      usernames: new Set(members?.map((m) => m.username.toLowerCase())),
      myUsername: me.username.toLowerCase(),
      myRole: mine?.role ?? null,
    };
  }, [members, me.id, me.username]);
  const title = summary ? roomTitle(summary) : 'this conversation';
  const direct = summary?.room.kind === 'direct';
  // The name is user-chosen: isolated (see lib/bidi.ts) in the log's first line and the
  // composer's placeholder, so it cannot reorder the words around it.
  const placeholderName = direct ? isolateText(title) : `#${isolateText(title)}`;
  const logName = direct ? (
    <>
      your conversation with <bdi>{title}</bdi>
    </>
  ) : (
    <>
      #<bdi>{title}</bdi>
    </>
  );

  const content = (
    <div
      className={detailsOpen || threadId ? 'conversation-wrap with-details' : 'conversation-wrap'}
    >
      <section className="conversation" aria-labelledby="conversation-title">
        <ConversationHeader
          summary={summary}
          memberCount={members?.length ?? null}
          detailsOpen={detailsOpen}
          onToggleDetails={details.toggle}
          membersButtonRef={details.openerRef}
          onBack={props.onBack}
        />
        <ConnectionBanner />
        <Alert message={unreachable ? UNREACHABLE_MESSAGE : (timeline.error ?? membersError)} />
        <MessageList
          roomName={logName}
          messages={timeline.messages}
          notices={timeline.notices}
          members={byId}
          meId={me.id}
          loaded={timeline.loaded}
          hasMore={timeline.hasMore}
          olderDeleted={timeline.olderDeleted}
          loadingOlder={timeline.loadingOlder}
          onLoadOlder={() => void timeline.loadOlder()}
          unreadAfterSeq={divider.after}
          seen={seen}
          actions={sendActions}
          landing={landingOf(timeline.start)}
          hasNewer={timeline.hasNewer}
          loadingNewer={timeline.loadingNewer}
          onLoadNewer={() => void timeline.loadNewer()}
          onJumpToLatest={() => jumpTo({ at: 'newest' })}
          highlightId={timeline.start.at === 'message' ? timeline.start.messageId : null}
          unreadCount={summary?.unreadCount ?? 0}
          onJumpToUnread={() =>
            divider.after !== null && jumpTo({ at: 'unread', afterSeq: divider.after })
          }
          onMarkAllRead={() => void markAllRead()}
          onScreenChange={onScreenChange}
        />
        <TypingIndicator roomId={roomId} members={byId} />
        {left ? (
          <p className="left-notice" role="status">
            You are no longer a member of this room.
          </p>
        ) : (
          // biome-ignore lint/a11y/noStaticElementInteractions: Escape in the composer cancels a reply.
          <div
            className="composer-wrap"
            onKeyDown={(event) => {
              // Unless something inside took it (the @ list closes first).
              if (event.key === 'Escape' && features.replyTo && !event.defaultPrevented)
                features.cancelReply();
            }}
          >
            {features.replyTo && (
              <ReplyBar
                to={features.replyTo}
                name={features.tools.nameOf(features.replyTo.authorId)}
                onCancel={features.cancelReply}
              />
            )}
            <Composer
              roomId={roomId}
              roomName={placeholderName}
              actions={features.composerActions}
            />
          </div>
        )}
        <div className="visually-hidden" aria-live="polite" data-testid="announcer">
          {announcement}
        </div>
      </section>
      {detailsOpen && (
        <RoomDetails
          roomId={roomId}
          summary={summary}
          members={members}
          onClose={details.close}
          onLeft={props.onBack}
        />
      )}
      {threadId && (
        <ThreadPanel key={threadId} roomId={roomId} threadId={threadId} onClose={closeThread} />
      )}
    </div>
  );
  return (
    <RoomPeopleContext.Provider value={people}>
      <ConversationToolsContext.Provider value={features.tools}>
        {content}
      </ConversationToolsContext.Provider>
    </RoomPeopleContext.Provider>
  );
}

function landingOf(start: MessagesStart): Landing {
  switch (start.at) {
    case 'newest':
      return { kind: 'bottom' };
    case 'unread':
      return { kind: 'unread' };
    case 'message':
      return { kind: 'message', id: start.messageId };
  }
}
