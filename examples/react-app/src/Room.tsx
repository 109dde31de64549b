import { useConnection, useMembers, useMessageActions, useMessages } from '@confab/react';
import { type FormEvent, useState } from 'react';

/** The room's messages, live, the connection's state, and a box to send. */
export function Room(props: { roomId: string; name: string }) {
  const { state } = useConnection();
  const { messages } = useMessages(props.roomId);
  const { byId } = useMembers(props.roomId);
  const { send } = useMessageActions(props.roomId);
  const [draft, setDraft] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft.trim()) return;
    send(draft);
    setDraft('');
  };
  return (
    <section>
      <h2>{props.name}</h2>
      <p>
        Connection: <span data-testid="connection">{state}</span>
      </p>
      <ul aria-label="Messages">
        {messages.map((m) => (
          <li key={m.key} data-status={m.status}>
            <b>{byId.get(m.authorId)?.displayName ?? '…'}</b> {m.body}
          </li>
        ))}
      </ul>
      <form onSubmit={submit}>
        <input
          aria-label="Message"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          autoComplete="off"
        />
        <button type="submit">Send</button>
      </form>
    </section>
  );
}
