import type { Message, RoomSummary, User } from '@confab/contracts';
import { useEffect, useRef } from 'react';
import { useChatClient } from '../lib/chat-client';
import type { EventHub } from '../lib/event-hub';
import { roomTitle } from '../lib/format';
import { useMembers } from '../lib/use-members';
import { useTimeline } from '../lib/use-timeline';
import { Alert } from './Alert';
import { Composer } from './Composer';
import { InviteForm } from './InviteForm';
import { MessageList } from './MessageList';

export function Conversation(props: {
  roomId: string;
  /** Undefined for a moment after creating or joining, until "my rooms" has reloaded. */
  summary: RoomSummary | undefined;
  me: User;
  hub: EventHub;
  generation: number;
  onBack: () => void;
  /** Called after the read marker moved, so unread counts can refresh. */
  onRead: () => void;
}) {
  const { roomId, summary, onRead } = props;
  const client = useChatClient();
  const { timeline, dispatch, error, loadOlder } = useTimeline(roomId, props.hub, props.generation);
  const { members, error: membersError } = useMembers(roomId, props.hub);

  // Viewing the room reads everything in it up to the newest seq shown.
  const markedSeq = useRef(0);
  useEffect(() => {
    const seq = timeline.lastSeq;
    if (!timeline.loaded || seq <= markedSeq.current) return;
    markedSeq.current = seq;
    client.api.message.markRead.mutate({ roomId, seq }).then(onRead, () => {
      // Harmless: the marker stays behind and the next message moves it again.
      markedSeq.current = 0;
    });
  }, [client, roomId, timeline.loaded, timeline.lastSeq, onRead]);

  const title = summary ? roomTitle(summary) : 'Loading…';
  const kind = summary?.room.kind;
  return (
    <section className="conversation" aria-labelledby="conversation-title">
      <header className="conversation-header">
        <button type="button" className="back" onClick={props.onBack}>
          Back to rooms
        </button>
        <div className="conversation-title">
          <h2 id="conversation-title">{title}</h2>
          {summary?.room.topic && <p className="muted">{summary.room.topic}</p>}
          {kind && kind !== 'direct' && <span className="muted">{kind} room</span>}
        </div>
        {kind && kind !== 'direct' && <InviteForm roomId={roomId} />}
      </header>
      <Alert message={error ?? membersError} />
      <MessageList
        messages={timeline.messages}
        members={members}
        meId={props.me.id}
        loaded={timeline.loaded}
        hasMore={timeline.hasMore}
        onLoadOlder={loadOlder}
      />
      <Composer
        roomId={roomId}
        onSent={(message: Message) => dispatch({ type: 'sent', message })}
        authorId={props.me.id}
      />
    </section>
  );
}
