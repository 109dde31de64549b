import type { MentionOption } from './use-mention-autocomplete';

/** The option element ids, for the composer's aria-activedescendant. */
export const mentionOptionId = (listId: string, index: number) => `${listId}-${index}`;

/** The @ autocomplete's list, above the message box; the box keeps focus (ARIA combobox). */
export function MentionSuggestions(props: {
  id: string;
  options: readonly MentionOption[];
  active: number;
  onChoose(option: MentionOption): void;
}) {
  return (
    <div
      id={props.id}
      className="mention-suggestions"
      role="listbox"
      aria-label="People to mention"
    >
      {props.options.map((option, i) => (
        <div
          key={option.username}
          id={mentionOptionId(props.id, i)}
          role="option"
          // Focus stays in the message box (aria-activedescendant); -1 keeps it out of Tab order.
          tabIndex={-1}
          aria-selected={i === props.active}
          className={i === props.active ? 'active' : undefined}
          // mousedown, not click: the box must not lose focus (and the list close) first.
          onMouseDown={(event) => {
            event.preventDefault();
            props.onChoose(option);
          }}
        >
          <span className="mention-suggestion-name">@{option.username}</span>{' '}
          <bdi className="muted">{option.label}</bdi>
        </div>
      ))}
    </div>
  );
}
