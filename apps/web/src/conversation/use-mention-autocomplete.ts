import type { Member } from '@confab/contracts';
import { type KeyboardEvent, useMemo, useState } from 'react';

/** One choice in the @ list: a member, or `@room` (everyone here). */
export interface MentionOption {
  /** What is inserted after the @. */
  username: string;
  /** Shown beside it: the member's display name, or what @room does. */
  label: string;
}

/** At most this many choices are listed; typing more letters narrows them. */
const SHOWN_MAX = 8;

// An @ that starts a mention (as parseMentions reads it: not after a letter, digit, _ or @),
// then the name typed so far, ending at the caret.
const TYPING_MENTION = /(?:^|[^\p{L}\p{M}\p{N}_@])@([\p{L}\p{M}\p{N}_]*)$/u;

export interface Typing {
  /** Where the @ is in the text. */
  at: number;
  /** What follows it up to the caret, in lower case. */
  query: string;
}

/** The mention being typed just before the caret, if any. */
export function typingAt(text: string, caret: number): Typing | null {
  const match = TYPING_MENTION.exec(text.slice(0, caret));
  if (!match) return null;
  const query = match[1] ?? '';
  return { at: caret - query.length - 1, query: query.toLowerCase() };
}

/**
 * Who `@query` can mean: `@room` (when allowed) and the other members whose username, or a word
 * of whose display name, starts with it; at most SHOWN_MAX.
 */
export function mentionOptions(props: {
  members: readonly Member[];
  meId: string;
  canMentionRoom: boolean;
  query: string;
}): MentionOption[] {
  const { query } = props;
  const found: MentionOption[] = [];
  if (props.canMentionRoom && 'room'.startsWith(query))
    found.push({ username: 'room', label: 'Everyone in this room' });
  for (const m of props.members) {
    if (m.userId === props.meId) continue;
    const username = m.username.toLowerCase();
    const words = m.displayName.toLowerCase().split(/\s+/);
    if (username.startsWith(query) || words.some((w) => w.startsWith(query)))
      found.push({ username, label: m.displayName });
  }
  return found.slice(0, SHOWN_MAX);
}

export interface MentionAutocomplete {
  /** The choices for the name being typed; empty when the list is closed. */
  options: readonly MentionOption[];
  /** The highlighted choice's index. */
  active: number;
  /** The text or caret changed: look again for an @ being typed. */
  update(text: string, caret: number): void;
  /** Handles the list's keys; true when the key was used (the composer must not act on it). */
  onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean;
  /** Puts the choice in the text (onChoose gets the new text and where the caret goes). */
  choose(option: MentionOption): void;
}

/**
 * `@` autocomplete for the composer: the room's members whose username or display name starts
 * with what follows the @ (and `@room` for owners and admins), chosen with Up/Down and
 * Enter/Tab or the pointer, closed with Escape.
 */
export function useMentionAutocomplete(props: {
  members: readonly Member[] | null;
  meId: string;
  canMentionRoom: boolean;
  text: string;
  /** Called with the text after a choice and where the caret goes. */
  onChoose(text: string, caret: number): void;
}): MentionAutocomplete {
  const [typing, setTyping] = useState<Typing | null>(null);
  const [active, setActive] = useState(0);
  // Escape closes the list for this @ until the caret leaves it.
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const { members, meId, canMentionRoom } = props;

  const options = useMemo<MentionOption[]>(
    () =>
      !typing || typing.at === dismissedAt
        ? []
        : mentionOptions({ members: members ?? [], meId, canMentionRoom, query: typing.query }),
    [typing, dismissedAt, members, meId, canMentionRoom],
  );

  const update = (text: string, caret: number) => {
    const next = typingAt(text, caret);
    if (next?.at === typing?.at && next?.query === typing?.query) return;
    setTyping(next);
    setActive(0);
    if (next?.at !== dismissedAt) setDismissedAt(null);
  };

  const choose = (option: MentionOption) => {
    if (!typing) return;
    const { text } = props;
    const before = `${text.slice(0, typing.at)}@${option.username} `;
    const after = text.slice(typing.at + 1 + typing.query.length).replace(/^ /, '');
    setTyping(null);
    props.onChoose(before + after, before.length);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (options.length === 0 || event.nativeEvent.isComposing) return false;
    const option = options[active];
    switch (event.key) {
      case 'ArrowDown':
        setActive((i) => (i + 1) % options.length);
        break;
      case 'ArrowUp':
        setActive((i) => (i - 1 + options.length) % options.length);
        break;
      case 'Enter':
      case 'Tab':
        if (event.shiftKey || !option) return false;
        choose(option);
        break;
      case 'Escape':
        setDismissedAt(typing?.at ?? null);
        break;
      default:
        return false;
    }
    event.preventDefault();
    return true;
  };

  return {
    options,
    active: Math.min(active, Math.max(0, options.length - 1)),
    update,
    onKeyDown,
    choose,
  };
}
