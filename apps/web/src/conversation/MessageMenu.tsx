import { errorMessageOf } from '@confab/client';
import { useState } from 'react';
import { Icon } from '../ui/Icon';

/** Edit and Delete for one's own message; Delete asks once more, in place. */
export function MessageMenu(props: { onEdit: () => void; onDelete: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (confirming) {
    return (
      <div className="message-menu confirming">
        <span>Delete this message?</span>
        <button
          type="button"
          className="danger"
          onClick={() => {
            props.onDelete().catch((err: unknown) => setError(errorMessageOf(err)));
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
    <div className="message-menu">
      {error && (
        <span role="alert" className="menu-error">
          {error}
        </span>
      )}
      <button
        type="button"
        className="icon-button"
        aria-label="Edit message"
        title="Edit"
        onClick={props.onEdit}
      >
        <Icon name="edit" />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Delete message"
        title="Delete"
        onClick={() => setConfirming(true)}
      >
        <Icon name="trash" />
      </button>
    </div>
  );
}
