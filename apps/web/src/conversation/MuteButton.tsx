import { useMutedRooms } from '@confab/react';
import { useAction } from '../lib/use-action';
import { Alert } from '../ui/Alert';
import { Icon } from '../ui/Icon';

/**
 * The room header's "Mute notifications" toggle: a muted room sends no push, no webhook, and
 * raises no desktop notification in a background tab.
 */
export function MuteButton(props: { roomId: string }) {
  const { muted, loaded, setMuted } = useMutedRooms();
  const saving = useAction();
  const isMuted = muted.has(props.roomId);
  return (
    <>
      <button
        type="button"
        className="icon-button"
        aria-label="Mute notifications"
        aria-pressed={isMuted}
        title={isMuted ? 'Notifications muted (click to unmute)' : 'Mute notifications'}
        disabled={!loaded}
        onClick={() => void saving.run(() => setMuted(props.roomId, !isMuted))}
      >
        <Icon name={isMuted ? 'bell-off' : 'bell'} />
      </button>
      <Alert message={saving.error} />
    </>
  );
}
