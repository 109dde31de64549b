import type { NotificationLevel } from '@confab/contracts';
import { useNotificationLevels } from '@confab/react';
import { useEffect, useId, useRef, useState } from 'react';
import { useAction } from '../lib/use-action';
import { Alert } from '../ui/Alert';
import { Icon } from '../ui/Icon';

const CHOICES: readonly { level: NotificationLevel; label: string; hint: string }[] = [
  { level: 'all', label: 'All messages', hint: 'Every new message notifies you.' },
  { level: 'mentions', label: 'Mentions only', hint: 'Only @you and @room notify you.' },
  { level: 'none', label: 'Nothing', hint: 'This room never notifies you.' },
];

/**
 * The room header's notification level: all messages, mentions only, or nothing. It applies to
 * Web Push and webhooks (on the server) and to this app's desktop notifications, on every device.
 */
export function NotificationLevelButton(props: { roomId: string }) {
  const { levels, loaded, setLevel } = useNotificationLevels();
  const saving = useAction();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const wrap = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const level = levels.get(props.roomId) ?? 'all';
  const current = CHOICES.find((c) => c.level === level);

  // Closes on Escape (back to the button) and on a click elsewhere.
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      if (!wrap.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  return (
    <div className="level-picker" ref={wrap}>
      <button
        ref={button}
        type="button"
        className="icon-button"
        aria-label="Notification level"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        title={`Notifications: ${current?.label ?? ''}`}
        data-level={level}
        disabled={!loaded}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name={level === 'all' ? 'bell' : 'bell-off'} />
      </button>
      {open && (
        <fieldset id={menuId} className="level-menu">
          <legend>Notify me about</legend>
          {CHOICES.map((choice) => (
            <label key={choice.level} className="level-choice">
              <input
                type="radio"
                name={menuId}
                value={choice.level}
                checked={level === choice.level}
                onChange={() => {
                  setOpen(false);
                  button.current?.focus();
                  void saving.run(() => setLevel(props.roomId, choice.level));
                }}
              />
              <span>
                {choice.label}
                <span className="muted">{choice.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      <Alert message={saving.error} />
    </div>
  );
}
