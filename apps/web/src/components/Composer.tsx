import type { Message } from '@confab/contracts';
import { type FormEvent, type KeyboardEvent, useState } from 'react';
import { useChatClient } from '../lib/chat-client';
import { newClientMsgId } from '../lib/ids';
import { useAction } from '../lib/use-action';
import { Alert } from './Alert';

/**
 * The message box. Bodies are sent as typed: the server validates them (empty, too long) and
 * its error is shown here with the draft kept, so the web app and the SDK refuse the same way.
 */
export function Composer(props: {
  roomId: string;
  authorId: string;
  onSent: (message: Message) => void;
}) {
  const { roomId, authorId, onSent } = props;
  const client = useChatClient();
  const [draft, setDraft] = useState('');
  const { busy, error, run } = useAction();

  const send = () => {
    if (busy) return;
    const body = draft;
    const clientMsgId = newClientMsgId();
    void run(async () => {
      const sent = await client.api.message.send.mutate({ roomId, clientMsgId, body });
      // Shown at once; the same seq arriving from the stream is then ignored.
      onSent({
        ...sent,
        roomId,
        authorId,
        clientMsgId,
        body: body.trim(),
        editedAt: null,
        deletedAt: null,
      });
      // Keep whatever was typed while the send was in flight.
      setDraft((current) => (current === body ? '' : current));
    });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };

  return (
    <form className="composer" onSubmit={submit} aria-label="Send a message">
      <Alert message={error} />
      <div className="composer-row">
        <label className="visually-hidden" htmlFor="composer-input">
          Message
        </label>
        <textarea
          id="composer-input"
          rows={2}
          placeholder="Write a message (Enter sends, Shift+Enter for a new line)"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" disabled={busy}>
          Send
        </button>
      </div>
    </form>
  );
}
