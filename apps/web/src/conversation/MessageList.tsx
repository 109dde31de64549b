import type { Member } from '@confab/contracts';
import type { ChatMessage, MessageActions } from '@confab/react';
import { type ReactNode, useEffect, useMemo } from 'react';
import { Icon } from '../ui/Icon';
import { MessageRow } from './MessageRow';
import { buildRows } from './rows';
import { useScrollAnchor } from './use-scroll-anchor';
import type { SeenBy } from './use-seen-by';

export function MessageList(props: {
  /** The room as the log's first line names it ("#general"), names isolated. */
  roomName: ReactNode;
  messages: readonly ChatMessage[];
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
}) {
  const { messages, meId } = props;
  const rows = useMemo(
    () => buildRows(messages, props.unreadAfterSeq, meId),
    [messages, props.unreadAfterSeq, meId],
  );
  const scroll = useScrollAnchor({
    messages,
    loaded: props.loaded,
    canLoadOlder: props.loaded && props.hasMore && !props.loadingOlder,
    onLoadOlder: props.onLoadOlder,
  });
  const { onFollowingChange } = props;
  useEffect(() => onFollowingChange?.(scroll.following), [scroll.following, onFollowingChange]);

  return (
    <div className="log-wrap">
      {/* Additions are announced by the conversation's own live region, one message at a
          time; this log stays quiet so that a page of older history is not read out. */}
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
                authorName={props.members.get(message.authorId)?.displayName ?? 'Former member'}
                mine={mine}
                groupStart={row.groupStart}
                groupEnd={row.groupEnd}
                seenBy={props.seen?.key === row.key ? props.seen : null}
                actions={props.actions}
              />
            );
          })}
        </ol>
      </div>
      {!scroll.following && scroll.unseen > 0 && (
        <button type="button" className="new-pill" onClick={scroll.jumpToBottom}>
          <Icon name="down" />
          {scroll.unseen === 1 ? '1 new message' : `${scroll.unseen} new messages`}
        </button>
      )}
    </div>
  );
}
