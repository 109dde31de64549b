import { LIMITS } from '@confab/contracts';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useAction } from '../lib/use-action';
import { Alert } from '../ui/Alert';

/** Edits one's own message in place: Enter saves, Shift+Enter adds a line, Escape cancels. */
export function MessageEditor(props: {
  initial: string;
  onSave: (body: string) => Promise<void>;
  onDone: () => void;
}) {
  const [draft, setDraft] = useState(props.initial);
  const { busy, error, run } = useAction();
  const box = useRef<HTMLTextAreaElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const id = useId();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    // Without scrolling: focus would bring only the text box into view, and on the newest
    // message the buttons under it would stay below the log's edge.
    el.focus({ preventScroll: true });
    el.setSelectionRange(el.value.length, el.value.length);
    form.current?.scrollIntoView({ block: 'nearest' });
  }, []);

  const save = () => {
    const body = draft.trim();
    if (body === props.initial.trim()) return props.onDone();
    if (!body || busy) return;
    void run(() => props.onSave(body)).then((ok) => {
      if (ok) props.onDone();
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      props.onDone();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      save();
    }
  };

  return (
    <form
      ref={form}
      className="editor"
      aria-label="Editing a message"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <label className="visually-hidden" htmlFor={id}>
        New text
      </label>
      <textarea
        id={id}
        ref={box}
        rows={Math.min(8, draft.split('\n').length)}
        maxLength={LIMITS.bodyMaxChars}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <Alert message={error} />
      <div className="editor-actions">
        <span className="muted">Enter to save · Esc to cancel</span>
        <button type="button" onClick={props.onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy || !draft.trim()}>
          Save
        </button>
      </div>
    </form>
  );
}
