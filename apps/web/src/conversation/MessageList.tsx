import type { Member, RoomNotice } from '@confab/contracts';
import type { ChatMessage, MessageActions } from '@confab/react';
import { type ReactNode, useEffect, useMemo } from 'react';
import { Icon } from '../ui/Icon';
import { useConversationTools } from './conversation-tools';
import { MessageRow } from './MessageRow';
import { NoticeRow } from './NoticeRow';
import { buildRows } from './rows';
import { type OnScreen, useOnScreen } from './use-on-screen';
import { type Landing, useScrollAnchor } from './use-scroll-anchor';
import type { SeenBy } from './use-seen-by';

export function MessageList(props: {
  /** The room as the log's first line names it ("#general"), names isolated. */
  roomName: ReactNode;
  messages: readonly ChatMessage[];
  /** Joins, leaves, renames and role changes, shown between the messages by seq. */
  notices?: readonly RoomNotice[];
  members: ReadonlyMap<string, Member>;
  meId: string;
  loaded: boolean;
  hasMore: boolean;
  /** Older messages existed and the room's retention deleted them. */
  olderDeleted?: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  /** The read marker when the room was opened: the unread divider goes after it. */
  unreadAfterSeq: number | null;
  /** The message to mark "Seen by …", and by whom. */
  seen: SeenBy | null;
  actions: MessageActions;
  onFollowingChange?: (following: boolean) => void;
  /** Where the view goes once loaded (a jump reloads and lands again). @default bottom */
  landing?: Landing;
  /** Newer messages exist after the last one: a window that has not reached the live end. */
  hasNewer?: boolean;
  loadingNewer?: boolean;
  onLoadNewer?: () => void;
  /** Loads the newest messages (leaving a window into history). */
  onJumpToLatest?: () => void;
  /** The message a link pointed at. */
  highlightId?: string | null;
  /** The room's unread count (the sidebar's): the unread bar shows while it is above 0. */
  unreadCount?: number;
  /** Loads the conversation at the first unread, when the divider is not loaded. */
  onJumpToUnread?: () => void;
  onMarkAllRead?: () => void;
  /** What is in view changed (for marking messages read as they are seen). */
  onScreenChange?: (onScreen: OnScreen) => void;
}) {
  const hasNewer = props.hasNewer ?? false;
  // Authors who left keep their names (see use-room-people.ts); outside a conversation, members.
  const tools = useConversationTools();
  const nameOf =
    tools?.nameOf ??
    ((userId: string) => props.members.get(userId)?.displayName ?? 'Former member');
  const { messages, meId } = props;
  const notices = props.notices ?? NO_NOTICES;
  const rows = useMemo(
    () => buildRows(messages, props.unreadAfterSeq, meId, notices),
    [messages, props.unreadAfterSeq, meId, notices],
  );
  const scroll = useScrollAnchor({
    messages,
    notices,
    loaded: props.loaded,
    canLoadOlder: props.loaded && props.hasMore && !props.loadingOlder,
    onLoadOlder: props.onLoadOlder,
    landing: props.landing,
    atLiveEnd: !hasNewer,
    canLoadNewer: props.loaded && hasNewer && !props.loadingNewer,
    onLoadNewer: props.onLoadNewer,
  });
  const { onFollowingChange, onScreenChange } = props;
  useEffect(() => onFollowingChange?.(scroll.following), [scroll.following, onFollowingChange]);
  const onScreen = useOnScreen(scroll.ref, rows);
  useEffect(() => onScreenChange?.(onScreen), [onScreen, onScreenChange]);
  // The first unread is somewhere not loaded: above the loaded messages, or past a window.
  const firstSeq = messages.find((m) => m.seq !== null)?.seq;
  const after = props.unreadAfterSeq;
  const unreadElsewhere =
    after !== null &&
    (hasNewer ||
      (props.hasMore && firstSeq !== undefined && firstSeq !== null && firstSeq > after + 1));
  const dividerShown = rows.some((row) => row.kind === 'unread');
  const unreadBar = (props.unreadCount ?? 0) > 0 && (dividerShown || unreadElsewhere);

  return (
    <div className="log-wrap">
      {/* Additions are announced by the conversation's own live region, one message at a
          time; this log stays quiet so that a page of older history is not read out. */}
      {unreadBar && (
        <div className="unread-bar" data-testid="unread-bar">
          <span>
            {props.unreadCount === 1 ? '1 unread message' : `${props.unreadCount} unread messages`}
          </span>
          {!onScreen.dividerInView && (
            <button
              type="button"
              className="link"
              onClick={() =>
                dividerShown ? scroll.landAt({ kind: 'unread' }) : props.onJumpToUnread?.()
              }
            >
              <Icon name="up" />
              Jump to first unread
            </button>
          )}
          <button type="button" className="link" onClick={props.onMarkAllRead}>
            Mark all as read
          </button>
        </div>
      )}
      <div
        ref={scroll.ref}
        className="log"
        role="log"
        aria-label="Messages"
        aria-live="off"
        aria-busy={!props.loaded || props.loadingOlder}
        onScroll={scroll.onScroll}
      >
        {props.loaded && !props.hasMore && props.olderDeleted && (
          <div className="log-start" data-testid="older-deleted">
            <strong>Older messages were deleted.</strong>
            <span className="muted">This room keeps messages for a limited time.</span>
          </div>
        )}
        {props.loaded && !props.hasMore && !props.olderDeleted && (
          <div className="log-start">
            <strong>This is the beginning of {props.roomName}.</strong>
            {messages.length === 0 && <span className="muted">No messages yet. Say hello!</span>}
          </div>
        )}
        {(!props.loaded || props.loadingOlder) && (
          <p className="log-loading" role="status">
            Loading messages…
          </p>
        )}
        {props.hasMore && props.loaded && !props.loadingOlder && (
          <button type="button" className="link load-older" onClick={props.onLoadOlder}>
            Load earlier messages
          </button>
        )}
        <ol className="messages">
          {rows.map((row) => {
            if (row.kind === 'day')
              return (
                <li key={row.key} className="divider day-divider">
                  <span>{row.label}</span>
                </li>
              );
            if (row.kind === 'notice')
              return (
                <NoticeRow key={row.key} parts={row.parts} nameOf={nameOf} at={row.notice.at} />
              );
            if (row.kind === 'unread')
              return (
                <li key={row.key} className="divider unread-divider" data-testid="unread-divider">
                  <span>New messages</span>
                </li>
              );
            const { message } = row;
            const mine = message.authorId === meId;
            return (
              <MessageRow
                key={row.key}
                message={message}
                authorName={nameOf(message.authorId)}
                authorAvatarVersion={props.members.get(message.authorId)?.avatarVersion}
                mine={mine}
                groupStart={row.groupStart}
                groupEnd={row.groupEnd}
                seenBy={props.seen?.key === row.key ? props.seen : null}
                actions={props.actions}
                highlighted={message.id !== null && message.id === props.highlightId}
              />
            );
          })}
        </ol>
        {props.loaded && props.loadingNewer && (
          <p className="log-loading" role="status">
            Loading newer messages…
          </p>
        )}
      </div>
      {hasNewer && props.loaded && (
        <button type="button" className="new-pill" onClick={props.onJumpToLatest}>
          <Icon name="down" />
          Jump to latest
        </button>
      )}
      {!hasNewer && !scroll.following && scroll.unseen > 0 && (
        <button type="button" className="new-pill" onClick={scroll.jumpToBottom}>
          <Icon name="down" />
          {scroll.unseen === 1 ? '1 new message' : `${scroll.unseen} new messages`}
        </button>
      )}
    </div>
  );
}

const NO_NOTICES: readonly RoomNotice[] = [];
