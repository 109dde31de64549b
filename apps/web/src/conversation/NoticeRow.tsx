import { formatTime } from '../lib/format';
import type { NoticePart } from './notice-text';

/**
 * A notice between messages ("Ann joined", "Bob renamed the room to “Ops”"): a centred, muted
 * line of text in the log. Nothing in it takes focus; it carries no seq, so reading it does not
 * count as reading a message, and it never places the unread divider.
 */
export function NoticeRow(props: {
  parts: readonly NoticePart[];
  /** A member's or former member's display name. */
  nameOf: (userId: string) => string;
  at: number;
}) {
  return (
    <li className="notice" data-testid="notice">
      <span className="notice-text">
        {props.parts.map((part, i) => {
          // The parts of one notice never change order: their index is their identity.
          const key = `${i}`;
          if (part.kind === 'person') return <bdi key={key}>{props.nameOf(part.userId)}</bdi>;
          if (part.kind === 'quote')
            return (
              <span key={key}>
                “<bdi>{part.text}</bdi>”
              </span>
            );
          return <span key={key}>{part.text}</span>;
        })}
      </span>{' '}
      <time className="notice-time" dateTime={new Date(props.at).toISOString()}>
        {formatTime(props.at)}
      </time>
    </li>
  );
}
