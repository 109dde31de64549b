import { errorMessageOf } from '@confab/client';
import type { ChatMessage } from '@confab/react';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useConversationTools } from './conversation-tools';

// Its own chunk with the emoji data set: loaded the first time someone opens it.
const EmojiPicker = lazy(() => import('./EmojiPicker'));

/** "Alice, Bob and you". */
function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * A message's reactions: a chip per emoji with its count (pressed when one of them is mine; its
 * name says who reacted), a click adds or takes back mine; "Add reaction" opens the picker.
 */
export function Reactions(props: {
  message: ChatMessage;
  /** The picker is open (also opened from the message's menu). */
  picking: boolean;
  onPickingChange: (picking: boolean) => void;
}) {
  const { message, picking, onPickingChange } = props;
  const tools = useConversationTools();
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const reactions = message.reactions ?? [];

  // Closing hands focus back to where it was when the picker opened (the menu or a chip).
  useEffect(() => {
    if (!picking) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const outside = (event: PointerEvent) => {
      if (event.target instanceof Node && !box.current?.contains(event.target))
        onPickingChange(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => {
      document.removeEventListener('pointerdown', outside);
      if (before?.isConnected) before.focus({ preventScroll: true });
    };
  }, [picking, onPickingChange]);

  const { id } = message;
  if (!tools || !id || message.deletedAt !== null) return null;
  if (reactions.length === 0 && !picking && !error) return null;

  const toggle = (emoji: string, on: boolean) => {
    setError(null);
    tools.react(id, emoji, on).catch((err: unknown) => setError(errorMessageOf(err)));
  };

  return (
    <div className="reactions" ref={box} data-testid="reactions">
      {reactions.map((reaction) => {
        const mine = reaction.userIds.includes(tools.meId);
        const names = reaction.userIds.map((u) => (u === tools.meId ? 'you' : tools.nameOf(u)));
        const who = listNames(names);
        return (
          <button
            key={reaction.emoji}
            type="button"
            className={mine ? 'reaction mine' : 'reaction'}
            data-testid="reaction"
            data-emoji={reaction.emoji}
            aria-pressed={mine}
            aria-label={`${reaction.emoji} ${reaction.userIds.length}: ${who}`}
            title={`Reacted by ${who}`}
            onClick={() => toggle(reaction.emoji, !mine)}
          >
            <span aria-hidden="true">{reaction.emoji}</span>
            <span className="reaction-count" data-testid="reaction-count" aria-hidden="true">
              {reaction.userIds.length}
            </span>
          </button>
        );
      })}
      {reactions.length > 0 && (
        <button
          type="button"
          className="reaction add-reaction"
          aria-label="Add reaction"
          title="Add reaction"
          aria-expanded={picking}
          onClick={() => onPickingChange(!picking)}
        >
          <span aria-hidden="true">+</span>
        </button>
      )}
      {error && (
        <span role="alert" className="menu-error">
          {error}
        </span>
      )}
      {picking && (
        <Suspense
          fallback={
            <p className="emoji-picker loading" role="status">
              Loading emoji…
            </p>
          }
        >
          <EmojiPicker
            onPick={(emoji) => {
              onPickingChange(false);
              const mine = reactions.find((r) => r.emoji === emoji)?.userIds.includes(tools.meId);
              if (!mine) toggle(emoji, true);
            }}
            onClose={() => onPickingChange(false)}
          />
        </Suspense>
      )}
    </div>
  );
}
