import { messageGist } from '@confab/contracts';
import { usePins } from '@confab/react';
import { formatShort } from '../lib/format';
import { Alert } from '../ui/Alert';
import { excerptOf } from './conversation-tools';

/** The room's pinned messages (room details), live; a click goes to the message. */
export function PinnedList(props: {
  roomId: string;
  nameOf: (userId: string) => string;
  onOpen: (messageId: string) => void;
}) {
  const { pins, error } = usePins(props.roomId);
  return (
    <section className="pinned" aria-labelledby="pinned-title" data-testid="pinned-list">
      <h4 id="pinned-title">Pinned</h4>
      <Alert message={error} />
      {pins?.length === 0 && <p className="muted">No pinned messages.</p>}
      <ul className="pinned-list">
        {pins?.map((message) => (
          <li key={message.id}>
            <button
              type="button"
              className="pinned-item"
              data-testid="pinned-item"
              onClick={() => props.onOpen(message.id)}
            >
              <span className="pinned-author">
                <bdi>{props.nameOf(message.authorId)}</bdi>
                <span className="muted"> · {formatShort(message.createdAt)}</span>
              </span>
              <span className="pinned-text">
                <bdi>
                  {message.deletedAt !== null ? 'Deleted message' : excerptOf(messageGist(message))}
                </bdi>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
