import { useRef } from 'react';
import { Icon } from '../ui/Icon';

/** The paperclip beside a message box: opens the file chooser (several files at once). */
export function AttachButton(props: { onFiles: (files: File[]) => void }) {
  const picker = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        onChange={(event) => {
          props.onFiles([...(event.currentTarget.files ?? [])]);
          // The same file can be chosen again after its chip was removed.
          event.currentTarget.value = '';
        }}
      />
      <button
        type="button"
        className="icon-button attach"
        aria-label="Attach files"
        title="Attach files"
        onClick={() => picker.current?.click()}
      >
        <Icon name="attach" />
      </button>
    </>
  );
}
