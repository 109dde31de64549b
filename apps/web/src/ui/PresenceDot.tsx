import type { PresenceStatus } from '@confab/contracts';

export const PRESENCE_LABELS: Record<PresenceStatus, string> = {
  online: 'Online',
  away: 'Away',
  offline: 'Offline',
};

/** A coloured dot for online (green), away (amber) or offline (hollow). */
export function PresenceDot(props: { status: PresenceStatus; decorative?: boolean }) {
  const label = PRESENCE_LABELS[props.status];
  return props.decorative ? (
    <span className={`presence presence-${props.status}`} />
  ) : (
    <span
      className={`presence presence-${props.status}`}
      role="img"
      aria-label={label}
      title={label}
    />
  );
}
