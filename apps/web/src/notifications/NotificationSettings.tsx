import { Alert } from '../ui/Alert';
import { type PushStatus, usePushNotifications } from './use-push-notifications';

function describe(status: PushStatus): string {
  switch (status.kind) {
    case 'unsupported':
      return 'This browser cannot show notifications.';
    case 'blocked':
      return 'Notifications are blocked for Confab in this browser’s site settings.';
    case 'off':
      return typeof Notification !== 'undefined' && Notification.permission === 'granted'
        ? 'Notifications are off for new messages while Confab is closed.'
        : 'Notifications are off.';
    case 'working':
      return status.action === 'enabling'
        ? 'Setting up notifications…'
        : 'Turning notifications off…';
    case 'on':
      return 'Notifications on';
    case 'tab-only':
      return status.cause === 'browser'
        ? 'Push notifications are unavailable in this browser. Desktop notifications still work while Confab is open in a tab.'
        : 'Confab could not turn on push notifications for this browser. Desktop notifications still work while Confab is open in a tab.';
  }
}

/** Settings: "Enable notifications" (desktop and Web Push), and turning them off again. */
export function NotificationSettings() {
  const { status, enable, disable } = usePushNotifications();
  const enabled = status.kind === 'on' || status.kind === 'tab-only';
  return (
    <div className="stack">
      <p role="status" data-testid="notifications-status">
        {describe(status)}
      </p>
      {status.kind === 'on' && (
        <p className="muted">
          You are notified of messages from others, even while Confab is closed. Mute a room from
          its header to stop its notifications.
        </p>
      )}
      {status.kind === 'tab-only' && <p className="muted">Reason: {status.detail}</p>}
      {status.kind === 'off' && <Alert message={status.error} />}
      <div className="button-row">
        {(status.kind === 'off' || status.kind === 'tab-only') && (
          <button
            type="button"
            className={enabled ? undefined : 'primary'}
            onClick={() => void enable()}
          >
            {enabled ? 'Try push notifications again' : 'Enable notifications'}
          </button>
        )}
        {enabled && (
          <button type="button" onClick={() => void disable()}>
            Turn off notifications
          </button>
        )}
      </div>
    </div>
  );
}
