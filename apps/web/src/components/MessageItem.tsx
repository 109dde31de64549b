import type { Member, Message } from '@confab/contracts';
import { formatTime } from '../lib/format';

export function MessageItem(props: {
  message: Message;
  author: Member | undefined;
  mine: boolean;
}) {
  const { message } = props;
  const deleted = message.deletedAt !== null;
  return (
    <li className={props.mine ? 'message mine' : 'message'} data-testid="message">
      <div className="message-meta">
        <span className="author" data-testid="message-author">
          {props.author?.displayName ?? 'Former member'}
        </span>
        <time dateTime={new Date(message.createdAt).toISOString()}>
          {formatTime(message.createdAt)}
        </time>
        {message.editedAt !== null && !deleted && <span className="muted">(edited)</span>}
      </div>
      {deleted ? (
        <p className="message-body deleted" data-testid="message-body">
          Message deleted
        </p>
      ) : (
        <p className="message-body" data-testid="message-body">
          {message.body}
        </p>
      )}
    </li>
  );
}
