import { type ChatMessage, type MessageActions, useCurrentUser } from '@confab/react';
import { memo, useEffect, useRef, useState } from 'react';
import { Attachments } from '../files/Attachments';
import { formatTime } from '../lib/format';
import { messageLinkUrl } from '../lib/use-route';
import { Avatar } from '../ui/Avatar';
import { ConversationActions } from './ConversationActions';
import { MessageEditor } from './MessageEditor';
import { MessageMenu } from './MessageMenu';
import { MessageStatus } from './MessageStatus';
import { MessageText } from './MessageText';
import { Reactions } from './Reactions';
import { ReplyQuote } from './ReplyQuote';
import { ThreadLink } from './ThreadLink';
import type { SeenBy } from './use-seen-by';

export interface MessageRowProps {
  message: ChatMessage;
  authorName: string;
  /** The author's avatarVersion (while they are a member): their picture beside the message. */
  authorAvatarVersion?: number | undefined;
  mine: boolean;
  groupStart: boolean;
  groupEnd: boolean;
  /** "Seen by …" under this message (the newest of one's own that others have read). */
  seenBy: SeenBy | null;
  actions: MessageActions;
  /** The message a link pointed at: marked (a highlight that fades) and aria-current. */
  highlighted?: boolean;
}

/** One message: a bubble (mine on the right), its time, edited and delivery marks, its menu. */
export const MessageRow = memo(function MessageRow(props: MessageRowProps) {
  const { message, mine, actions } = props;
  const [editing, setEditing] = useState(false);
  // After an edit is saved or cancelled the editor is gone: focus goes back to the message's
  // Edit button (the menu shows while focused), not to the page.
  const row = useRef<HTMLLIElement>(null);
  const [refocus, setRefocus] = useState(false);
  useEffect(() => {
    if (!refocus || editing) return;
    setRefocus(false);
    row.current?.querySelector<HTMLElement>('[data-action="edit"]')?.focus();
  }, [refocus, editing]);
  // On touch screens (no hover) a tap on a message shows its menu.
  const [menuShown, setMenuShown] = useState(false);
  // The emoji picker under the message (from its menu or its reactions).
  const [picking, setPicking] = useState(false);
  // The edited text is shown from "saved" until its own event brings it.
  const [optimistic, setOptimistic] = useState<{ body: string; over: number | null } | null>(null);
  const deleted = message.deletedAt !== null;
  const body = optimistic && optimistic.over === message.editedAt ? optimistic.body : message.body;
  const { id } = message;
  // Named with @username or @room by someone else: the whole row stands out.
  const meId = useCurrentUser().id;
  const mentionsMe =
    !mine &&
    !deleted &&
    (message.mentionsRoom === true || message.mentions?.includes(meId) === true);
  const className = [
    'message',
    mine ? 'mine' : 'theirs',
    props.groupStart ? 'group-start' : '',
    props.groupEnd ? 'group-end' : '',
    menuShown ? 'menu-shown' : '',
    props.highlighted ? 'highlighted' : '',
    mentionsMe ? 'mentions-me' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <li
      ref={row}
      className={className}
      data-testid="message"
      data-status={message.status}
      data-key={message.key}
      data-seq={message.seq ?? undefined}
      data-message-id={id ?? undefined}
      aria-current={props.highlighted ? 'true' : undefined}
    >
      {!mine && (
        <div className="message-avatar">
          {props.groupStart && (
            <Avatar
              id={message.authorId}
              name={props.authorName}
              size="sm"
              avatarVersion={props.authorAvatarVersion}
            />
          )}
        </div>
      )}
      <div className="message-main">
        {props.highlighted && <span className="visually-hidden">Linked message. </span>}
        {props.groupStart && !mine ? (
          <div className="message-author" data-testid="message-author">
            <bdi>{props.authorName}</bdi>
          </div>
        ) : (
          <span className="visually-hidden">{mine ? 'You' : <bdi>{props.authorName}</bdi>}: </span>
        )}
        {editing && id ? (
          <MessageEditor
            initial={body}
            onSave={async (next) => {
              const over = message.editedAt;
              await actions.edit(id, next);
              setOptimistic({ body: next, over });
            }}
            onDone={() => {
              setEditing(false);
              setRefocus(true);
            }}
          />
        ) : (
          // biome-ignore lint/a11y/useKeyWithClickEvents: a pointer shortcut; keyboard users Tab to the menu, which focus reveals.
          // biome-ignore lint/a11y/noStaticElementInteractions: as above.
          <div
            className={deleted ? 'bubble tombstone' : 'bubble'}
            onClick={() => setMenuShown((shown) => !shown)}
          >
            {message.replyToId && !deleted && (
              <ReplyQuote roomId={message.roomId} replyToId={message.replyToId} />
            )}
            <div className="message-body" data-testid="message-body">
              {deleted ? 'This message was deleted' : <MessageText text={body} />}
            </div>
            {!deleted && message.attachments && message.attachments.length > 0 && (
              <Attachments files={message.attachments} />
            )}
            <span className="message-meta">
              {message.pinned && !deleted && (
                <span className="pinned-mark" data-testid="pinned-mark">
                  pinned
                </span>
              )}
              {message.editedAt !== null && !deleted && (
                <span className="edited" data-testid="edited">
                  edited
                </span>
              )}
              <time dateTime={new Date(message.createdAt).toISOString()}>
                {formatTime(message.createdAt)}
              </time>
            </span>
          </div>
        )}
        <Reactions message={message} picking={picking} onPickingChange={setPicking} />
        <ThreadLink message={message} />
        <MessageStatus message={message} seenBy={props.seenBy} actions={actions} />
      </div>
      {id && !deleted && !editing && message.status === 'sent' && (
        <MessageMenu
          onEdit={mine ? () => setEditing(true) : undefined}
          onDelete={mine ? () => actions.remove(id) : undefined}
          onCopyLink={() => navigator.clipboard.writeText(messageLinkUrl(message.roomId, id))}
        >
          <ConversationActions message={message} onReact={() => setPicking(true)} />
        </MessageMenu>
      )}
    </li>
  );
});
