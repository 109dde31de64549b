import { type KeyboardEvent, useId, useMemo, useRef, useState } from 'react';
import { EMOJI_GROUPS, type PickerEmoji, searchEmoji } from './emoji-data';
import '../styles/emoji-picker.css';

/** Emoji per row of the grid: what the arrow keys move by vertically. */
const COLUMNS = 8;

/**
 * An emoji picker with search and a tab per group, loaded on demand (import('./EmojiPicker')).
 * Keyboard: type to search, Enter takes the first match, Down moves into the grid (Tab reaches
 * the group tabs, then the grid), the arrow keys, Home and End move in it, Enter or Space picks,
 * Escape closes.
 */
export default function EmojiPicker(props: {
  onPick: (emoji: string) => void;
  onClose: () => void;
}) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  // One group at a time (chosen by its tab) keeps the grid a few hundred buttons, not 1,900.
  const [groupName, setGroupName] = useState(EMOJI_GROUPS[0]?.name ?? '');
  const grid = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const found = useMemo(() => searchEmoji(query), [query]);
  const searching = query.trim() !== '';
  const group = EMOJI_GROUPS.find((g) => g.name === groupName) ?? EMOJI_GROUPS[0];
  const section = searching ? { name: 'Search results', emojis: found } : group;
  let index = 0;

  const buttons = () =>
    Array.from(grid.current?.querySelectorAll<HTMLButtonElement>('button[data-emoji]') ?? []);
  const focusAt = (at: number) => {
    const all = buttons();
    const next = Math.max(0, Math.min(all.length - 1, at));
    setActive(next);
    all[next]?.focus();
  };

  const onGridKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: COLUMNS,
      ArrowUp: -COLUMNS,
    };
    const move = moves[event.key];
    if (move !== undefined) {
      event.preventDefault();
      focusAt(active + move);
    } else if (event.key === 'Home') {
      event.preventDefault();
      focusAt(0);
    } else if (event.key === 'End') {
      event.preventDefault();
      focusAt(buttons().length - 1);
    }
  };

  const renderEmoji = (item: PickerEmoji) => {
    const at = index++;
    return (
      <button
        key={item.emoji}
        type="button"
        className="emoji-option"
        data-emoji={item.emoji}
        aria-label={item.label}
        title={item.label}
        tabIndex={at === active ? 0 : -1}
        onFocus={() => setActive(at)}
        onClick={() => props.onPick(item.emoji)}
      >
        {item.emoji}
      </button>
    );
  };

  return (
    <div
      className="emoji-picker"
      role="dialog"
      aria-labelledby={titleId}
      data-testid="emoji-picker"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          props.onClose();
        }
      }}
    >
      <h4 id={titleId} className="visually-hidden">
        Add reaction
      </h4>
      <input
        type="search"
        className="emoji-search"
        placeholder="Search emoji"
        aria-label="Search emoji"
        // biome-ignore lint/a11y/noAutofocus: the picker was just opened to choose one by name.
        autoFocus
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            const first = searching ? found[0] : undefined;
            if (first) props.onPick(first.emoji);
          } else if (event.key === 'ArrowDown') {
            event.preventDefault();
            focusAt(0);
          }
        }}
      />
      {!searching && (
        <nav className="emoji-groups" aria-label="Emoji groups">
          {EMOJI_GROUPS.map((g) => (
            <button
              key={g.name}
              type="button"
              className="emoji-group-tab"
              aria-pressed={g.name === group?.name}
              aria-label={g.name}
              title={g.name}
              onClick={() => {
                setGroupName(g.name);
                setActive(0);
              }}
            >
              {g.emojis[0]?.emoji}
            </button>
          ))}
        </nav>
      )}
      {/* biome-ignore lint/a11y/noStaticElementInteractions: arrow keys move between its buttons. */}
      <div className="emoji-grid-wrap" ref={grid} onKeyDown={onGridKey}>
        {searching && found.length === 0 && <p className="muted emoji-none">No emoji found</p>}
        {section && section.emojis.length > 0 && (
          <section aria-label={section.name}>
            <h5 className="emoji-group-name">{section.name}</h5>
            <div className="emoji-grid">{section.emojis.map(renderEmoji)}</div>
          </section>
        )}
      </div>
    </div>
  );
}
