import type { Member, RoomSummary } from '@confab/contracts';
import { useChatClient } from '@confab/react';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { TextField } from '../forms/TextField';
import { useFormAction } from '../forms/use-form-action';
import { Alert } from '../ui/Alert';
import { Icon } from '../ui/Icon';
import { RoomPeopleAdmin } from './RoomPeopleAdmin';

const FIELDS = ['name', 'topic', 'kind'] as const;
type Kind = 'public' | 'private';

/**
 * Owners and admins: the room's name, topic and who can join, then its people (RoomPeopleAdmin).
 * Shown in the members panel in place of the members; the server checks every change again.
 */
export function RoomSettings(props: {
  summary: RoomSummary;
  members: readonly Member[] | null;
  meId: string;
  onBack: () => void;
}) {
  const client = useChatClient();
  const { room } = props.summary;
  const [name, setName] = useState(room.name);
  const [topic, setTopic] = useState(room.topic);
  const [kind, setKind] = useState<Kind>(room.kind === 'private' ? 'private' : 'public');
  const [saved, setSaved] = useState<string | null>(null);
  const saving = useFormAction(FIELDS);
  const headingRef = useRef<HTMLHeadingElement>(null);

  // Opening the settings moves focus to them (the button that opened them is gone).
  useEffect(() => headingRef.current?.focus(), []);

  const save = (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    // Only what changed: each change is a line in the room's log.
    const changes = {
      ...(name.trim() !== room.name ? { name } : {}),
      ...(topic.trim() !== room.topic ? { topic } : {}),
      ...(kind !== room.kind ? { kind } : {}),
    };
    if (Object.keys(changes).length === 0) {
      setSaved('Nothing to save.');
      return;
    }
    void saving.run(async () => {
      await client.api.room.update.mutate({ roomId: room.id, ...changes });
      setSaved('Saved.');
    });
  };

  return (
    <>
      <header className="details-header">
        <h3 id="details-title" ref={headingRef} tabIndex={-1}>
          Room settings
        </h3>
        <button
          type="button"
          className="icon-button"
          aria-label="Back to members"
          onClick={props.onBack}
        >
          <Icon name="back" />
        </button>
      </header>
      <form ref={saving.formRef} className="stack" onSubmit={save} aria-label="Room settings">
        <TextField
          label="Room name"
          error={saving.errors.fields.name}
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
        />
        <TextField
          label="Topic"
          error={saving.errors.fields.topic}
          value={topic}
          onChange={(e) => setTopic(e.target.value)}
        />
        <fieldset className="choices">
          <legend>Who can join</legend>
          {(['public', 'private'] as const).map((choice) => (
            <label key={choice} className="choice">
              <input
                type="radio"
                name="room-kind"
                checked={kind === choice}
                onChange={() => setKind(choice)}
              />
              <span>
                <strong>{choice === 'public' ? 'Public' : 'Private'}</strong>
                <span className="muted">
                  {choice === 'public'
                    ? 'Listed in Browse; anyone can join.'
                    : 'Not listed; only people its members invite.'}
                </span>
              </span>
            </label>
          ))}
          {saving.errors.fields.kind && (
            <p className="field-error" data-testid="field-error">
              {saving.errors.fields.kind}
            </p>
          )}
        </fieldset>
        <Alert message={saving.errors.form} />
        {saved && <output className="muted">{saved}</output>}
        <button type="submit" className="primary" disabled={saving.busy}>
          Save
        </button>
      </form>
      <RoomPeopleAdmin
        roomId={room.id}
        roomName={room.name}
        members={props.members}
        meId={props.meId}
      />
    </>
  );
}
