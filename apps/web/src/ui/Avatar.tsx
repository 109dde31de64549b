import { AVATAR_ROUTES, type PresenceStatus } from '@confab/contracts';
import { type CSSProperties, type ReactNode, useState } from 'react';
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

/**
 * A person's picture (`avatarVersion` set: their uploaded avatar), else their initials on a
 * colour of their own. Decorative by default (the name is written next to it); `labelled`
 * makes it an image named by `name` where nothing else names the person.
 */
export function Avatar(props: {
  id: string;
  name: string;
  size?: 'sm' | 'md' | 'lg';
  /** A symbol instead of initials (rooms: # or a lock). */
  symbol?: ReactNode;
  presence?: PresenceStatus | undefined;
  /** The person's `avatarVersion`: their picture is shown while it loads, initials if it fails. */
  avatarVersion?: number | undefined;
  /** Named for assistive technology (role img), not hidden from it. @default false */
  labelled?: boolean;
}) {
  const { size = 'md', avatarVersion } = props;
  // A picture that failed to load (removed meanwhile, offline) falls back to the initials; a
  // new version is tried again.
  const [failed, setFailed] = useState<number | null>(null);
  const picture =
    props.symbol === undefined && avatarVersion !== undefined && failed !== avatarVersion;
  return (
    <span
      className={`avatar avatar-${size}`}
      style={{ '--hue': hueOf(props.id) } as CSSProperties}
      {...(props.labelled
        ? { role: picture ? undefined : 'img', 'aria-label': picture ? undefined : props.name }
        : { 'aria-hidden': true })}
    >
      {picture ? (
        <img
          className="avatar-image"
          src={AVATAR_ROUTES.of(props.id, avatarVersion)}
          alt={props.name}
          decoding="async"
          loading="lazy"
          onError={() => setFailed(avatarVersion)}
        />
      ) : (
        (props.symbol ?? initialsOf(props.name))
      )}
      {props.presence && <PresenceDot status={props.presence} decorative />}
    </span>
  );
}
