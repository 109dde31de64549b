import { messageGist } from '@confab/contracts';
import { excerptOf, useConversationTools } from './conversation-tools';
import { useQuotedMessage } from './use-quoted-message';

/** The message a reply answers, above its text: a click goes to it, however far back it is. */
export function ReplyQuote(props: { roomId: string; replyToId: string }) {
  const tools = useConversationTools();
  const quoted = useQuotedMessage(props.roomId, props.replyToId);
  if (quoted.state !== 'found') {
    return (
      <div className="reply-quote unavailable" data-testid="reply-quote">
        {quoted.state === 'loading' ? 'Loading the original…' : 'Original message not available'}
      </div>
    );
  }
  const { message } = quoted;
  const name = tools?.nameOf(message.authorId) ?? '';
  const text =
    message.deletedAt !== null ? 'This message was deleted' : excerptOf(messageGist(message));
  return (
    <button
      type="button"
      className="reply-quote"
      data-testid="reply-quote"
      onClick={(event) => {
        // Inside a bubble whose click shows the menu on touch screens: this click is the quote's.
        event.stopPropagation();
        tools?.jumpTo(props.replyToId);
      }}
      aria-label={`Replying to ${name}: ${text}. Go to the original message`}
    >
      <span className="reply-quote-author">
        <bdi>{name}</bdi>
      </span>
      <span className="reply-quote-text">
        <bdi>{text}</bdi>
      </span>
    </button>
  );
}
