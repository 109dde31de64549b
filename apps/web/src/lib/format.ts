import type { RoomSummary } from '@confab/contracts';

/** What a room is called in the UI: a direct room is named after the other person. */
export function roomTitle(summary: RoomSummary): string {
  if (summary.room.kind === 'direct') return summary.peer?.displayName ?? 'Direct message';
  return summary.room.name;
}

export function formatTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function startOfDay(epochMs: number): number {
  const d = new Date(epochMs);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Whether two instants fall on the same local calendar day. */
export function sameDay(a: number, b: number): boolean {
  return startOfDay(a) === startOfDay(b);
}

/** "Today", "Yesterday", "Monday, March 3" (with the year when it is not this one). */
export function formatDay(epochMs: number, now = Date.now()): string {
  const days = Math.round((startOfDay(now) - startOfDay(epochMs)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  const sameYear = new Date(epochMs).getFullYear() === new Date(now).getFullYear();
  return new Date(epochMs).toLocaleDateString([], {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    ...(sameYear ? {} : { year: 'numeric' }),
  });
}

/** A compact time for lists: "14:05" today, "Yesterday", "Mon", or "3 Mar". */
export function formatShort(epochMs: number, now = Date.now()): string {
  const days = Math.round((startOfDay(now) - startOfDay(epochMs)) / 86_400_000);
  if (days === 0) return formatTime(epochMs);
  if (days === 1) return 'Yesterday';
  if (days < 7) return new Date(epochMs).toLocaleDateString([], { weekday: 'short' });
  return new Date(epochMs).toLocaleDateString([], { day: 'numeric', month: 'short' });
}

/** "just now", "5 minutes ago", "3 hours ago", else a date. */
export function formatAgo(epochMs: number, now = Date.now()): string {
  const minutes = Math.floor((now - epochMs) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  return formatDay(epochMs, now);
}

/** A piece of a list of names: a name, or the words between names. */
export type NamePart = { name: string } | { text: string };

/**
 * "Ada", "Ada and Ben", "Ada, Ben and Cy", "Ada, Ben and 3 others", in parts, so each name can
 * be rendered isolated from the words around it (see NameList).
 */
export function listNameParts(names: readonly string[], max = 3): NamePart[] {
  const shown = names.length <= max ? names : names.slice(0, max - 1);
  const rest = names.length - shown.length;
  const parts: NamePart[] = [];
  shown.forEach((name, i) => {
    if (i > 0) parts.push({ text: i === shown.length - 1 && rest === 0 ? ' and ' : ', ' });
    parts.push({ name });
  });
  if (rest > 0) parts.push({ text: ` and ${rest} others` });
  return parts;
}

/** A notification's preview of a message: at most `max` characters, "…" marking a cut. */
export function previewText(body: string, max = 140): string {
  const chars = [...body];
  return chars.length <= max
    ? body
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}
