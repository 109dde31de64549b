import type { ChatMessage, MessageActions } from '@confab/react';
import { memo, useState } from 'react';
import { formatTime } from '../lib/format';
import { Avatar } from '../ui/Avatar';
import { MessageEditor } from './MessageEditor';
import { MessageMenu } from './MessageMenu';
import { MessageStatus } from './MessageStatus';
import { MessageText } from './MessageText';
import type { SeenBy } from './use-seen-by';

export interface MessageRowProps {
  message: ChatMessage;
  authorName: string;
  mine: boolean;
  groupStart: boolean;
  groupEnd: boolean;
  /** "Seen by …" under this message (the newest of one's own that others have read). */
  seenBy: SeenBy | null;
  actions: MessageActions;
}

/** One message: a bubble (mine on the right), its time, edited and delivery marks, its menu. */
export const MessageRow = memo(function MessageRow(props: MessageRowProps) {
  const { message, mine, actions } = props;
  const [editing, setEditing] = useState(false);
  // On touch screens (no hover) a tap on one's own message shows its menu.
  const [menuShown, setMenuShown] = useState(false);
  // The edited text is shown from "saved" until its own event brings it.
  const [optimistic, setOptimistic] = useState<{ body: string; over: number | null } | null>(null);
  const deleted = message.deletedAt !== null;
  const body = optimistic && optimistic.over === message.editedAt ? optimistic.body : message.body;
  const { id } = message;
  const className = [
    'message',
    mine ? 'mine' : 'theirs',
    props.groupStart ? 'group-start' : '',
    props.groupEnd ? 'group-end' : '',
    menuShown ? 'menu-shown' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <li
      className={className}
      data-testid="message"
      data-status={message.status}
      data-key={message.key}
    >
      {!mine && (
        <div className="message-avatar">
          {props.groupStart && <Avatar id={message.authorId} name={props.authorName} size="sm" />}
        </div>
      )}
      <div className="message-main">
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
            onDone={() => setEditing(false)}
          />
        ) : (
          // biome-ignore lint/a11y/useKeyWithClickEvents: a pointer shortcut; keyboard users Tab to the menu, which focus reveals.
          // biome-ignore lint/a11y/noStaticElementInteractions: as above.
          <div
            className={deleted ? 'bubble tombstone' : 'bubble'}
            onClick={mine ? () => setMenuShown((shown) => !shown) : undefined}
          >
            <p className="message-body" data-testid="message-body">
              {deleted ? 'This message was deleted' : <MessageText text={body} />}
            </p>
            <span className="message-meta">
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
        <MessageStatus message={message} seenBy={props.seenBy} actions={actions} />
      </div>
      {mine && id && !deleted && !editing && message.status === 'sent' && (
        <MessageMenu onEdit={() => setEditing(true)} onDelete={() => actions.remove(id)} />
      )}
    </li>
  );
});
