import type { TransportPreference } from '@confab/client';

const CHOICES: readonly TransportPreference[] = ['auto', 'ws', 'sse', 'poll'];
const STORAGE_KEY = 'confab.transport';

const parse = (value: string | null): TransportPreference | undefined =>
  CHOICES.find((t) => t === value);

function stored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // Storage can be off (privacy settings): the default applies.
  }
}

/**
 * How live events travel: `?transport=ws|sse|poll|auto` in the URL wins (for tests, and for
 * people behind proxies that break one of them), then the choice saved in Settings, then auto.
 */
export function initialTransport(): TransportPreference {
  const fromUrl = parse(new URLSearchParams(window.location.search).get('transport'));
  return fromUrl ?? parse(stored()) ?? 'auto';
}

/** Remembers the choice, and puts it in the URL so a reload or a shared link keeps it. */
export function saveTransport(transport: TransportPreference): void {
  try {
    localStorage.setItem(STORAGE_KEY, transport);
  } catch {
    // Not remembered across visits; the URL still carries it.
  }
  const url = new URL(window.location.href);
  if (transport === 'auto') url.searchParams.delete('transport');
  else url.searchParams.set('transport', transport);
  window.history.replaceState(window.history.state, '', url);
}

export const TRANSPORT_LABELS: Record<TransportPreference, string> = {
  auto: 'Automatic (WebSocket, then SSE, then long polling)',
  ws: 'WebSocket',
  sse: 'Server-Sent Events',
  poll: 'Long polling',
};
