import type { Member, PresenceStatus, RoomSummary } from '@confab/contracts';
import { useChatClient, useConnection, useCurrentUser, usePresence } from '@confab/react';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { TextField } from '../forms/TextField';
import { useFormAction } from '../forms/use-form-action';
import { useAction } from '../lib/use-action';
import { Alert } from '../ui/Alert';
import { Avatar } from '../ui/Avatar';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { Icon } from '../ui/Icon';
import { PRESENCE_LABELS } from '../ui/PresenceDot';
import { useConversationTools } from './conversation-tools';
import { PinnedList } from './PinnedList';
import { RoomSettings } from './RoomSettings';

const INVITE_FIELDS = ['username'] as const;

/** The room's members (with presence), its pinned messages, inviting people, and leaving. */
export function RoomDetails(props: {
  roomId: string;
  summary: RoomSummary | undefined;
  members: readonly Member[] | null;
  onClose: () => void;
  onLeft: () => void;
}) {
  const client = useChatClient();
  const { roomId } = props;
  const presence = usePresence(props.members?.map((m) => m.userId) ?? []);
  const meId = useCurrentUser().id;
  const { state } = useConnection();
  // The presence feed is about the people one shares rooms with, not oneself: this device knows
  // best whether its user is here (online while its stream is connected).
  const statusOf = (userId: string): PresenceStatus =>
    userId === meId && state === 'connected'
      ? 'online'
      : (presence.get(userId)?.status ?? 'offline');
  const [username, setUsername] = useState('');
  const [invited, setInvited] = useState<string | null>(null);
  const inviting = useFormAction(INVITE_FIELDS);
  const leaving = useAction();
  const tools = useConversationTools();
  // Room administration (issue 17): owners and admins open the settings in this panel.
  const [settingsOpen, setSettingsOpen] = useState(false);
  const settingsButtonRef = useRef<HTMLButtonElement>(null);
  const [backFromSettings, setBackFromSettings] = useState(false);
  useEffect(() => {
    if (backFromSettings && !settingsOpen) settingsButtonRef.current?.focus();
  }, [backFromSettings, settingsOpen]);
  const manager = props.summary?.role === 'owner' || props.summary?.role === 'admin';
  const canManage = manager && props.summary?.room.kind !== 'direct';
  // Leaving a private room cannot be undone by oneself (only an invitation brings one back).
  const [confirmLeave, setConfirmLeave] = useState(false);
  const leave = () =>
    void leaving.run(async () => {
      await client.api.room.leave.mutate({ roomId });
      props.onLeft();
    });

  const invite = (event: FormEvent) => {
    event.preventDefault();
    setInvited(null);
    void inviting.run(async () => {
      await client.api.room.invite.mutate({ roomId, username });
      setInvited(username.trim());
      setUsername('');
    });
  };

  if (settingsOpen && canManage && props.summary)
    return (
      <aside className="details" id="room-details" aria-labelledby="details-title">
        <RoomSettings
          summary={props.summary}
          members={props.members}
          meId={meId}
          onBack={() => {
            setBackFromSettings(true);
            setSettingsOpen(false);
          }}
        />
      </aside>
    );

  return (
    <aside className="details" id="room-details" aria-labelledby="details-title">
      <header className="details-header">
        <h3 id="details-title">Members</h3>
        {canManage && (
          <button
            ref={settingsButtonRef}
            type="button"
            className="icon-button"
            aria-label="Room settings"
            onClick={() => setSettingsOpen(true)}
          >
            <Icon name="settings" />
          </button>
        )}
        <button
          type="button"
          className="icon-button"
          aria-label="Close members"
          onClick={props.onClose}
        >
          <Icon name="close" />
        </button>
      </header>
      <ul className="members">
        {props.members?.map((member) => {
          const status = statusOf(member.userId);
          return (
            <li key={member.userId} className="member" data-testid="member">
              <Avatar
                id={member.userId}
                name={member.displayName}
                size="sm"
                presence={status}
                avatarVersion={member.avatarVersion}
              />
              <span className="member-name" data-testid="member-name">
                <bdi>{member.displayName}</bdi>
                <span className="muted">
                  {' '}
                  @<bdi>{member.username}</bdi>
                </span>
              </span>
              <span className="member-status muted" data-testid="member-presence">
                {member.role === 'member'
                  ? PRESENCE_LABELS[status]
                  : `${member.role} · ${PRESENCE_LABELS[status]}`}
              </span>
            </li>
          );
        })}
      </ul>
      {tools && <PinnedList roomId={roomId} nameOf={tools.nameOf} onOpen={tools.jumpTo} />}
      <form ref={inviting.formRef} className="stack" onSubmit={invite}>
        <TextField
          label="Invite by username"
          error={inviting.errors.fields.username}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          autoCapitalize="none"
          spellCheck={false}
          required
        />
        <Alert message={inviting.errors.form} />
        {invited && (
          <output className="muted">
            Invited <bdi>{invited}</bdi>.
          </output>
        )}
        <button type="submit" disabled={inviting.busy}>
          Invite
        </button>
      </form>
      {props.summary && (
        <div className="stack">
          <Alert message={leaving.error} />
          <button
            type="button"
            className="danger"
            disabled={leaving.busy}
            onClick={() =>
              props.summary?.room.kind === 'private' ? setConfirmLeave(true) : leave()
            }
          >
            Leave room
          </button>
          {confirmLeave && (
            <ConfirmDialog
              title={`Leave ${props.summary.room.name}?`}
              confirmLabel="Leave room"
              busy={leaving.busy}
              error={leaving.error}
              onConfirm={leave}
              onCancel={() => {
                leaving.setError(null);
                setConfirmLeave(false);
              }}
            >
              <p>This room is private: you can come back only if one of its members invites you.</p>
            </ConfirmDialog>
          )}
        </div>
      )}
    </aside>
  );
}
