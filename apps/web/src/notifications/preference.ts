const STORAGE_KEY = 'confab.notifications';

/**
 * Whether this browser should notify: 'on' once "Enable notifications" was used, 'off' once
 * turned off, null when never chosen (desktop notifications then follow the permission alone).
 */
export type NotificationPreference = 'on' | 'off' | null;

export function notificationPreference(): NotificationPreference {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'on' || value === 'off' ? value : null;
  } catch {
    return null; // Storage can be off (privacy settings).
  }
}

export function saveNotificationPreference(value: 'on' | 'off'): void {
  try {
    localStorage.setItem(STORAGE_KEY, value);
  } catch {
    // Not remembered: this visit still behaves as chosen until reload.
  }
}

/** Whether a message may raise a desktop notification in this tab at all. */
export function desktopNotificationsAllowed(): boolean {
  return (
    typeof Notification !== 'undefined' &&
    Notification.permission === 'granted' &&
    notificationPreference() !== 'off'
  );
}
