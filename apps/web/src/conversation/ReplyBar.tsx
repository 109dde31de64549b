import { messageGist } from '@confab/contracts';
import type { ChatMessage } from '@confab/react';
import { Icon } from '../ui/Icon';
import { excerptOf } from './conversation-tools';

/** Above the composer while a reply is being written: what it answers, and a way out. */
export function ReplyBar(props: { to: ChatMessage; name: string; onCancel: () => void }) {
  return (
    <div className="reply-bar" data-testid="reply-bar">
      <span className="reply-bar-text">
        Replying to{' '}
        <strong>
          <bdi>{props.name}</bdi>
        </strong>
        : <bdi>{excerptOf(messageGist(props.to), 80)}</bdi>
      </span>
      <button
        type="button"
        className="icon-button"
        aria-label="Cancel reply"
        title="Cancel reply (Escape)"
        onClick={props.onCancel}
      >
        <Icon name="close" />
      </button>
    </div>
  );
}
