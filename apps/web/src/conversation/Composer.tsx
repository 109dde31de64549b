import { LIMITS } from '@confab/contracts';
import { type MessageActions, useCurrentUser } from '@confab/react';
import {
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { AttachButton } from '../files/AttachButton';
import { messageToSend } from '../files/message-to-send';
import { UploadChips } from '../files/UploadChips';
import { canSend } from '../files/uploads';
import { useFileDrop } from '../files/use-file-drop';
import { useUploads } from '../files/use-uploads';
import { Icon } from '../ui/Icon';
import { readDraft, writeDraft } from './drafts';
import { MentionSuggestions, mentionOptionId } from './MentionSuggestions';
import { useRoomPeople } from './mention-context';
import { useMentionAutocomplete } from './use-mention-autocomplete';

/** Show how much room is left once a message gets this close to the limit. */
const COUNT_FROM = LIMITS.bodyMaxChars - 500;

/**
 * The message box: Enter sends, Shift+Enter starts a new line. A message appears at once as
 * pending and is sent through the SDK's outbox (queued while offline, sent exactly once).
 * Files (the attach button, a drop on the conversation, a paste) upload at once, each a chip
 * with its progress; a message goes once none is still uploading, carrying the finished ones.
 */
export function Composer(props: { roomId: string; roomName: string; actions: MessageActions }) {
  const { roomId, actions } = props;
  const meId = useCurrentUser().id;
  // Unsent text survives leaving the room and reloading (per device, per user: drafts.ts).
  const [draft, setDraftState] = useState(() => readDraft(meId, roomId));
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const hintId = useId();
  const errorId = useId();
  const length = [...draft].length;
  const uploads = useUploads(roomId);
  const sendable = canSend(uploads.uploads, draft);

  /** Attaches files, or says at the composer why not (then nothing is uploaded). */
  const attach = (files: readonly File[]) => {
    const refusal = uploads.add(files);
    setError(refusal);
  };
  // The whole conversation takes dropped files, not just the box.
  useFileDrop(box, '.conversation', attach);

  // A pasted image (a screenshot) is attached; pasted text goes into the box as always.
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...event.clipboardData.files];
    if (files.length === 0) return;
    event.preventDefault();
    attach(files);
  };

  const setDraft = (text: string) => {
    setDraftState(text);
    writeDraft(meId, roomId, text);
  };

  const people = useRoomPeople();
  const listId = useId();
  // Where the caret goes once a chosen @name is in the box (set after React has rendered it).
  const caretAfterChoice = useRef<number | null>(null);
  const mention = useMentionAutocomplete({
    members: people.members,
    meId,
    canMentionRoom: people.myRole === 'owner' || people.myRole === 'admin',
    text: draft,
    onChoose: (text, caret) => {
      caretAfterChoice.current = caret;
      setDraft(text);
    },
  });
  useLayoutEffect(() => {
    const caret = caretAfterChoice.current;
    if (caret === null || !box.current) return;
    caretAfterChoice.current = null;
    box.current.setSelectionRange(caret, caret);
  });
  const listOpen = mention.options.length > 0;

  // Opening a room puts the cursor here, where a keyboard is at hand (not on touch screens,
  // where it would throw up the on-screen keyboard over the conversation).
  useEffect(() => {
    if (window.matchMedia('(pointer: fine)').matches) box.current?.focus({ preventScroll: true });
  }, []);

  // Grow with the text, up to a limit (then it scrolls).
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [draft]);

  const send = () => {
    const message = messageToSend(draft, uploads.uploads);
    if (!message.ok) {
      setError(message.error);
      return;
    }
    setError(null);
    actions.send(message.body, uploads.take());
    setDraft('');
    box.current?.focus();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // The @ list takes Up/Down/Enter/Tab/Escape while it is open.
    if (mention.onKeyDown(event)) return;
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };

  return (
    <form className="composer" onSubmit={submit} aria-label="Send a message">
      {error && (
        <p id={errorId} role="alert" className="alert composer-error">
          {error}
        </p>
      )}
      <UploadChips uploads={uploads.uploads} onRemove={uploads.remove} />
      <div className="composer-box">
        <AttachButton onFiles={attach} />
        <label className="visually-hidden" htmlFor="composer-input">
          Message
        </label>
        <textarea
          id="composer-input"
          ref={box}
          rows={1}
          placeholder={`Message ${props.roomName}`}
          aria-describedby={error ? `${errorId} ${hintId}` : hintId}
          aria-invalid={error ? true : undefined}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={listOpen}
          aria-controls={listOpen ? listId : undefined}
          aria-activedescendant={listOpen ? mentionOptionId(listId, mention.active) : undefined}
          value={draft}
          onSelect={(e) => mention.update(e.currentTarget.value, e.currentTarget.selectionStart)}
          onChange={(e) => {
            setDraft(e.target.value);
            mention.update(e.target.value, e.target.selectionStart);
            if (error) setError(null);
            if (e.target.value.trim()) actions.typing();
          }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        {listOpen && (
          <MentionSuggestions
            id={listId}
            options={mention.options}
            active={mention.active}
            onChoose={mention.choose}
          />
        )}
        <button type="submit" className="send" aria-label="Send" title="Send" disabled={!sendable}>
          <Icon name="send" />
        </button>
      </div>
      <p id={hintId} className="composer-hint">
        <span>
          <kbd>Enter</kbd> to send, <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line
        </span>
        {length >= COUNT_FROM && (
          <span className={length > LIMITS.bodyMaxChars ? 'count over' : 'count'}>
            {length} / {LIMITS.bodyMaxChars}
          </span>
        )}
      </p>
    </form>
  );
}
