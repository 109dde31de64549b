import { errorMessageOf } from '@confab/client';
import { type ReactNode, useEffect, useState } from 'react';
import { Icon } from '../ui/Icon';

/** How long "Link copied" stays (ms). */
const COPIED_NOTE_MS = 2500;

/**
 * A message's actions: Copy link for any message; Edit and Delete for one's own (Delete asks
 * once more, in place).
 */
export function MessageMenu(props: {
  onEdit?: () => void;
  onDelete?: () => Promise<void>;
  /** Puts the message's link on the clipboard. */
  onCopyLink?: () => Promise<void>;
  /** More actions, first in the menu (reply, thread, react, pin: ConversationActions). */
  children?: ReactNode;
}) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), COPIED_NOTE_MS);
    return () => clearTimeout(timer);
  }, [copied]);
  const { onEdit, onDelete, onCopyLink } = props;
  if (confirming) {
    return (
      <div className="message-menu confirming">
        <span>Delete this message?</span>
        <button
          type="button"
          className="danger"
          onClick={() => {
            onDelete?.().catch((err: unknown) => setError(errorMessageOf(err)));
            setConfirming(false);
          }}
        >
          Delete
        </button>
        <button type="button" onClick={() => setConfirming(false)}>
          Cancel
        </button>
      </div>
    );
  }
  return (
    <div className={copied ? 'message-menu noted' : 'message-menu'}>
      {error && (
        <span role="alert" className="menu-error">
          {error}
        </span>
      )}
      {props.children}
      {copied && (
        <span role="status" className="menu-note">
          Link copied
        </span>
      )}
      {onCopyLink && (
        <button
          type="button"
          className="icon-button"
          aria-label="Copy link to message"
          title="Copy link"
          onClick={() => {
            setError(null);
            onCopyLink().then(
              () => setCopied(true),
              () => setError('Could not copy the link'),
            );
          }}
        >
          <Icon name="link" />
        </button>
      )}
      {onEdit && (
        <button
          type="button"
          className="icon-button"
          aria-label="Edit message"
          data-action="edit"
          title="Edit"
          onClick={onEdit}
        >
          <Icon name="edit" />
        </button>
      )}
      {onDelete && (
        <button
          type="button"
          className="icon-button"
          aria-label="Delete message"
          title="Delete"
          onClick={() => setConfirming(true)}
        >
          <Icon name="trash" />
        </button>
      )}
    </div>
  );
}
