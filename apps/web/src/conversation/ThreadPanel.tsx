import { type ChatMessage, useThread } from '@confab/react';
import {
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { AttachButton } from '../files/AttachButton';
import { Attachments } from '../files/Attachments';
import { messageToSend } from '../files/message-to-send';
import { UploadChips } from '../files/UploadChips';
import { canSend } from '../files/uploads';
import { useUploads } from '../files/use-uploads';
import { formatTime } from '../lib/format';
import { Alert } from '../ui/Alert';
import { Icon } from '../ui/Icon';
import { useConversationTools } from './conversation-tools';
import { MessageText } from './MessageText';
import { Reactions } from './Reactions';

/** One message of the thread panel: author, time, text, files, reactions. */
function ThreadMessage({ message, root }: { message: ChatMessage; root?: boolean }) {
  const tools = useConversationTools();
  const [picking, setPicking] = useState(false);
  const deleted = message.deletedAt !== null;
  return (
    <li
      className={root ? 'thread-message thread-root' : 'thread-message'}
      data-testid={root ? 'thread-root' : 'thread-reply'}
      data-status={message.status}
    >
      <div className="thread-message-head">
        <strong>
          <bdi>{tools?.nameOf(message.authorId)}</bdi>
        </strong>
        <time className="muted" dateTime={new Date(message.createdAt).toISOString()}>
          {formatTime(message.createdAt)}
        </time>
        {message.status === 'pending' && <span className="muted">Sending…</span>}
        {message.status === 'failed' && (
          <span className="menu-error">Not sent: {message.error ?? 'refused'}</span>
        )}
        {message.alsoInRoom && <span className="muted">· also sent to the room</span>}
        {message.id && !deleted && (
          <button
            type="button"
            className="icon-button thread-react"
            aria-label="Add reaction"
            title="Add reaction"
            aria-expanded={picking}
            onClick={() => setPicking(true)}
          >
            <Icon name="smile" />
          </button>
        )}
      </div>
      <div className="message-body" data-testid="thread-message-body">
        {deleted ? 'This message was deleted' : <MessageText text={message.body} />}
      </div>
      {!deleted && message.attachments && message.attachments.length > 0 && (
        <Attachments files={message.attachments} />
      )}
      <Reactions message={message} picking={picking} onPickingChange={setPicking} />
    </li>
  );
}

/** A thread in the side panel: its root, its replies (live), and a box to reply in it. */
export function ThreadPanel(props: { roomId: string; threadId: string; onClose: () => void }) {
  const thread = useThread(props.roomId, props.threadId);
  const [draft, setDraft] = useState('');
  const [alsoInRoom, setAlsoInRoom] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const boxId = useId();
  const end = useRef<HTMLLIElement>(null);

  // Opening a thread puts the cursor in its reply box; a new reply scrolls into view.
  useEffect(() => box.current?.focus({ preventScroll: true }), []);
  const count = thread.replies.length;
  useEffect(() => {
    if (count > 0) end.current?.scrollIntoView({ block: 'nearest' });
  }, [count]);

  // Files attach here as in the room's composer (the button or a paste), for this reply.
  const uploads = useUploads(props.roomId);
  const attach = (files: readonly File[]) => setError(uploads.add(files));
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...event.clipboardData.files];
    if (files.length === 0) return;
    event.preventDefault();
    attach(files);
  };

  const send = () => {
    const message = messageToSend(draft, uploads.uploads);
    if (!message.ok) {
      setError(message.error);
      return;
    }
    setError(null);
    thread.send(message.body, { alsoInRoom, files: uploads.take() });
    setDraft('');
    box.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };
  const replies = thread.root?.thread?.replyCount ?? count;

  return (
    <aside
      className="details thread-panel"
      aria-labelledby="thread-title"
      data-testid="thread"
      onKeyDown={(event) => {
        // Unless something inside used it (the emoji picker closes first).
        if (event.key === 'Escape' && !event.defaultPrevented) props.onClose();
      }}
    >
      <header className="details-header">
        <h3 id="thread-title">Thread</h3>
        <button
          type="button"
          className="icon-button"
          aria-label="Close thread"
          onClick={props.onClose}
        >
          <Icon name="close" />
        </button>
      </header>
      <Alert message={thread.error} />
      {!thread.loaded && !thread.error && (
        <p className="muted" role="status">
          Loading the thread…
        </p>
      )}
      <ol className="thread-messages">
        {thread.root && <ThreadMessage message={thread.root} root />}
        {thread.loaded && (
          <li className="divider thread-count" data-testid="thread-panel-count">
            <span>{replies === 1 ? '1 reply' : `${replies} replies`}</span>
          </li>
        )}
        {thread.hasMore && (
          <li>
            <button
              type="button"
              className="link"
              disabled={thread.loadingOlder}
              onClick={() => void thread.loadOlder()}
            >
              Load earlier replies
            </button>
          </li>
        )}
        {thread.replies.map((reply) => (
          <ThreadMessage key={reply.key} message={reply} />
        ))}
        <li ref={end} aria-hidden="true" />
      </ol>
      <form
        className="thread-composer stack"
        aria-label="Reply in thread"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          send();
        }}
      >
        {error && (
          <p role="alert" className="alert">
            {error}
          </p>
        )}
        <label className="visually-hidden" htmlFor={boxId}>
          Reply
        </label>
        <textarea
          id={boxId}
          ref={box}
          rows={2}
          placeholder="Reply…"
          value={draft}
          onChange={(e) => {
            setDraft(e.target.value);
            if (error) setError(null);
          }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        <UploadChips uploads={uploads.uploads} onRemove={uploads.remove} />
        <div className="thread-composer-row">
          <AttachButton onFiles={attach} />
          <label className="checkbox">
            <input
              type="checkbox"
              checked={alsoInRoom}
              onChange={(e) => setAlsoInRoom(e.target.checked)}
            />
            Also send to room
          </label>
          <button type="submit" disabled={!canSend(uploads.uploads, draft)}>
            Reply
          </button>
        </div>
      </form>
    </aside>
  );
}
