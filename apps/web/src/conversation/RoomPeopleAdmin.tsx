import type { Member, Role } from '@confab/contracts';
import { useChatClient } from '@confab/react';
import { useId, useState } from 'react';
import { useAction } from '../lib/use-action';
import { Alert } from '../ui/Alert';
import { ConfirmDialog } from '../ui/ConfirmDialog';

/** An action that cannot be undone, waiting for its confirmation. */
type Pending = { kind: 'remove' | 'transfer'; member: Member };

/**
 * The room's people with what the viewer may do to each: an owner or admin removes members (only
 * the owner removes an admin, and nobody the owner); the owner makes members admins and back,
 * and hands the room over. The list is the live one (useMembers reloads on member.* events), so
 * roles and removals show as they happen, here and on everyone else's screen.
 */
export function RoomPeopleAdmin(props: {
  roomId: string;
  roomName: string;
  members: readonly Member[] | null;
  meId: string;
}) {
  const client = useChatClient();
  const { roomId } = props;
  const action = useAction();
  const confirming = useAction();
  const [pending, setPending] = useState<Pending | null>(null);
  const myRole = props.members?.find((m) => m.userId === props.meId)?.role ?? 'member';
  const others = props.members?.filter((m) => m.userId !== props.meId) ?? [];

  const canRemove = (target: Member) =>
    target.role === 'member'
      ? myRole === 'owner' || myRole === 'admin'
      : target.role === 'admin' && myRole === 'owner';

  const setRole = (member: Member, role: Role) =>
    void action.run(() => client.api.room.setRole.mutate({ roomId, userId: member.userId, role }));

  const confirm = () => {
    if (!pending) return;
    const { kind, member } = pending;
    void confirming
      .run(() =>
        kind === 'remove'
          ? client.api.room.removeMember.mutate({ roomId, userId: member.userId })
          : client.api.room.setRole.mutate({ roomId, userId: member.userId, role: 'owner' }),
      )
      .then((done) => {
        if (done) setPending(null);
      });
  };
  const cancel = () => {
    confirming.setError(null);
    setPending(null);
  };

  return (
    <section className="stack" aria-labelledby="people-admin-title">
      <h4 id="people-admin-title">People</h4>
      <Alert message={action.error} />
      {others.length === 0 ? (
        <p className="muted">Nobody else is in this room.</p>
      ) : (
        <ul className="members">
          {others.map((member) => (
            <PersonRow
              key={member.userId}
              member={member}
              myRole={myRole}
              busy={action.busy}
              canRemove={canRemove(member)}
              onSetRole={(role) => setRole(member, role)}
              onAsk={(kind) => setPending({ kind, member })}
            />
          ))}
        </ul>
      )}
      {pending && (
        <ConfirmDialog
          title={
            pending.kind === 'remove'
              ? `Remove ${pending.member.displayName}?`
              : `Make ${pending.member.displayName} the owner?`
          }
          confirmLabel={pending.kind === 'remove' ? 'Remove' : 'Make owner'}
          busy={confirming.busy}
          error={confirming.error}
          onConfirm={confirm}
          onCancel={cancel}
        >
          {pending.kind === 'remove' ? (
            <p>
              <bdi>{pending.member.displayName}</bdi> leaves <bdi>{props.roomName}</bdi> and no
              longer sees its messages. Their messages stay.
            </p>
          ) : (
            <p>
              <bdi>{pending.member.displayName}</bdi> becomes the owner of{' '}
              <bdi>{props.roomName}</bdi> and you become an admin. Only the new owner can give it
              back.
            </p>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}

function PersonRow(props: {
  member: Member;
  myRole: Role;
  busy: boolean;
  canRemove: boolean;
  onSetRole: (role: Role) => void;
  onAsk: (kind: Pending['kind']) => void;
}) {
  const { member, myRole } = props;
  // Each button says what it does; the person's name, read after it, says to whom.
  const nameId = useId();
  const owner = myRole === 'owner' && member.role !== 'owner';
  return (
    <li className="member admin-member" data-testid="admin-member">
      <span className="member-name" id={nameId}>
        <bdi>{member.displayName}</bdi>
      </span>
      <span className="member-status muted" data-testid="admin-member-role">
        {member.role}
      </span>
      <span className="member-actions">
        {owner && (
          <button
            type="button"
            aria-describedby={nameId}
            disabled={props.busy}
            onClick={() => props.onSetRole(member.role === 'admin' ? 'member' : 'admin')}
          >
            {member.role === 'admin' ? 'Make member' : 'Make admin'}
          </button>
        )}
        {owner && (
          <button type="button" aria-describedby={nameId} onClick={() => props.onAsk('transfer')}>
            Make owner
          </button>
        )}
        {props.canRemove && (
          <button
            type="button"
            className="danger"
            aria-describedby={nameId}
            onClick={() => props.onAsk('remove')}
          >
            Remove
          </button>
        )}
      </span>
    </li>
  );
}
