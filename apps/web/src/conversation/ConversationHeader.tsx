import type { PresenceState, RoomSummary } from '@confab/contracts';
import { usePresence } from '@confab/react';
import type { ReactNode, Ref } from 'react';
import { formatAgo, roomTitle } from '../lib/format';
import { Avatar } from '../ui/Avatar';
import { Icon } from '../ui/Icon';
import { PRESENCE_LABELS } from '../ui/PresenceDot';
import { NotificationLevelButton } from './NotificationLevelButton';

function presenceText(presence: PresenceState | undefined): string {
  if (!presence) return '';
  if (presence.status === 'offline' && presence.lastSeenAt !== null)
    return `Last seen ${formatAgo(presence.lastSeenAt)}`;
  return PRESENCE_LABELS[presence.status];
}

export function ConversationHeader(props: {
  summary: RoomSummary | undefined;
  memberCount: number | null;
  detailsOpen: boolean;
  onToggleDetails: () => void;
  /** The Members button: focus comes back to it when the panel closes. */
  membersButtonRef?: Ref<HTMLButtonElement>;
  onBack: () => void;
}) {
  const { summary } = props;
  const peer = summary?.peer ?? null;
  const presence = usePresence(peer ? [peer.id] : []).get(peer?.id ?? '');
  const title = summary ? roomTitle(summary) : 'Conversation';
  const kind = summary?.room.kind;
  const topic = summary?.room.topic;
  const count =
    props.memberCount !== null
      ? `${props.memberCount} member${props.memberCount === 1 ? '' : 's'}`
      : null;
  // The topic is isolated: text in it cannot reorder the member count after it.
  const subtitle: ReactNode =
    kind === 'direct' ? (
      presenceText(presence)
    ) : topic && count ? (
      <>
        <bdi>{topic}</bdi> · {count}
      </>
    ) : topic ? (
      <bdi>{topic}</bdi>
    ) : (
      count
    );
  return (
    <header className="conversation-header">
      <button
        type="button"
        className="icon-button back"
        aria-label="Back to conversations"
        onClick={props.onBack}
      >
        <Icon name="back" />
      </button>
      {summary && (
        <Avatar
          id={peer?.id ?? summary.room.id}
          name={title}
          symbol={
            kind === 'public' ? (
              <Icon name="hash" />
            ) : kind === 'private' ? (
              <Icon name="lock" />
            ) : undefined
          }
          presence={presence?.status}
          avatarVersion={peer?.avatarVersion}
        />
      )}
      <div className="conversation-title">
        <h2 id="conversation-title">
          <bdi>{title}</bdi>
        </h2>
        {subtitle && (
          <p className="muted" data-testid="conversation-subtitle">
            {subtitle}
          </p>
        )}
      </div>
      {summary && <NotificationLevelButton roomId={summary.room.id} />}
      {kind !== 'direct' && (
        <button
          ref={props.membersButtonRef}
          type="button"
          className="icon-button"
          aria-label="Members"
          aria-expanded={props.detailsOpen}
          aria-controls="room-details"
          title="Members"
          onClick={props.onToggleDetails}
        >
          <Icon name="users" />
        </button>
      )}
    </header>
  );
}
