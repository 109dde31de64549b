import type { RoomSummary } from '@confab/contracts';
import {
  useChatEvent,
  useCurrentUser,
  useMarkRead,
  useMembers,
  useMessageActions,
  useMessages,
  useReceipts,
} from '@confab/react';
import { useEffect, useState } from 'react';
import { isolateText } from '../lib/bidi';
import { roomTitle } from '../lib/format';
import { usePageVisible } from '../lib/use-page-visible';
import { Alert } from '../ui/Alert';
import { Composer } from './Composer';
import { ConnectionBanner } from './ConnectionBanner';
import { ConversationHeader } from './ConversationHeader';
import { MessageList } from './MessageList';
import { RoomDetails } from './RoomDetails';
import { TypingIndicator } from './TypingIndicator';
import { useAnnouncement } from './use-announcement';
import { useSeenBy } from './use-seen-by';

/** One room: header, messages (history, live, outgoing), typing, composer, and members. */
export function Conversation(props: {
  roomId: string;
  /** Undefined for a moment after creating or joining, until "my rooms" has reloaded. */
  summary: RoomSummary | undefined;
  /** "My rooms" has loaded (so a missing summary means the user is not a member). */
  roomsLoaded: boolean;
  onBack: () => void;
}) {
  const { roomId, summary } = props;
  const me = useCurrentUser();
  const timeline = useMessages(roomId);
  const { members, byId, error: membersError } = useMembers(roomId);
  const actions = useMessageActions(roomId);
  const receipts = useReceipts(roomId);
  const visible = usePageVisible();
  const [following, setFollowing] = useState(true);
  const [detailsOpen, setDetailsOpen] = useState(false);
  const [leftNow, setLeftNow] = useState(false);
  const [wasMember, setWasMember] = useState(false);
  // Removed while this device was offline, the room just drops out of "my rooms" on resume.
  const left = leftNow || (wasMember && props.roomsLoaded && !summary);
  // Where the unread divider goes: the read marker as it was when the room was opened.
  const [unreadAfter, setUnreadAfter] = useState<number | null>(null);
  useEffect(() => {
    if (!summary) return;
    setUnreadAfter((seq) => seq ?? summary.lastReadSeq);
    setWasMember(true);
  }, [summary]);

  useChatEvent((event) => {
    const gone = event.type === 'member.left' || event.type === 'member.removed';
    if (gone && event.roomId === roomId && event.userId === me.id) setLeftNow(true);
  });

  // Read while it is on screen and scrolled to the newest message: every device clears the count.
  useMarkRead(roomId, timeline.lastSeq, timeline.loaded && visible && following && !left);

  const seen = useSeenBy(timeline.messages, receipts, byId, me.id, summary?.room.kind === 'direct');
  const announcement = useAnnouncement(timeline.messages, timeline.loaded, byId, me.id);
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

  return (
    <div className={detailsOpen ? 'conversation-wrap with-details' : 'conversation-wrap'}>
      <section className="conversation" aria-labelledby="conversation-title">
        <ConversationHeader
          summary={summary}
          memberCount={members?.length ?? null}
          detailsOpen={detailsOpen}
          onToggleDetails={() => setDetailsOpen((open) => !open)}
          onBack={props.onBack}
        />
        <ConnectionBanner />
        <Alert message={timeline.error ?? membersError} />
        <MessageList
          roomName={logName}
          messages={timeline.messages}
          members={byId}
          meId={me.id}
          loaded={timeline.loaded}
          hasMore={timeline.hasMore}
          olderDeleted={timeline.olderDeleted}
          loadingOlder={timeline.loadingOlder}
          onLoadOlder={() => void timeline.loadOlder()}
          unreadAfterSeq={unreadAfter}
          seen={seen}
          actions={actions}
          onFollowingChange={setFollowing}
        />
        <TypingIndicator roomId={roomId} members={byId} />
        {left ? (
          <p className="left-notice" role="status">
            You are no longer a member of this room.
          </p>
        ) : (
          <Composer roomId={roomId} roomName={placeholderName} actions={actions} />
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
          onClose={() => setDetailsOpen(false)}
          onLeft={props.onBack}
        />
      )}
    </div>
  );
}
