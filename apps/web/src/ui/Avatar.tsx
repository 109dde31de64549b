import type { PresenceStatus } from '@confab/contracts';
import type { CSSProperties, ReactNode } from 'react';
import { PresenceDot } from './PresenceDot';

/** A stable hue per id, so a person keeps their colour everywhere. */
function hueOf(id: string): number {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % 360;
}

/** Letters and digits only: a bidi control or a mark is no initial. */
const lettersOf = (word: string) => [...word].filter((char) => /[\p{L}\p{N}]/u.test(char));

/** "Ada Lovelace" -> "AL", "ada" -> "AD", "\u202Eada" -> "AD". */
function initialsOf(name: string): string {
  const words = name
    .trim()
    .split(/\s+/)
    .map(lettersOf)
    .filter((letters) => letters.length > 0);
  const first = words[0] ?? ['?'];
  const last = words.at(-1) ?? [];
  const letters = words.length > 1 ? [first[0], last[0]] : first.slice(0, 2);
  return letters.join('').toUpperCase();
}

/** Initials on a colour of their own; decorative (the name is always written next to it). */
export function Avatar(props: {
  id: string;
  name: string;
  size?: 'sm' | 'md' | 'lg';
  /** A symbol instead of initials (rooms: # or a lock). */
  symbol?: ReactNode;
  presence?: PresenceStatus | undefined;
}) {
  const { size = 'md' } = props;
  return (
    <span
      className={`avatar avatar-${size}`}
      style={{ '--hue': hueOf(props.id) } as CSSProperties}
      aria-hidden="true"
    >
      {props.symbol ?? initialsOf(props.name)}
      {props.presence && <PresenceDot status={props.presence} decorative />}
    </span>
  );
}
