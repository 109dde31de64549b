import { type ReactNode, useEffect, useId, useRef } from 'react';

/**
 * Asks before an action that cannot be undone. A modal <dialog> (the browser keeps focus and the
 * screen reader inside it), named by its title and described by its text. Focus starts on
 * Cancel, the safe choice; Escape cancels; when it closes, focus goes back to where it was
 * (the button that asked), if that is still on the page.
 */
export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  /** The confirming button's text ("Remove", "Leave room"). */
  confirmLabel: string;
  busy?: boolean;
  /** Shown in the dialog when the action failed (it stays open). */
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const textId = useId();
  const { onCancel } = props;

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    cancelRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={dialogRef}
      className="confirm-dialog"
      aria-labelledby={titleId}
      aria-describedby={textId}
      onCancel={(event) => {
        // The browser would close the dialog itself; the owner unmounts it instead.
        event.preventDefault();
        onCancel();
      }}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        // Taken here: the members panel around closes on an Escape nobody used.
        event.preventDefault();
        event.stopPropagation();
        onCancel();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      <div id={textId}>{props.children}</div>
      {props.error && (
        <p role="alert" className="alert">
          {props.error}
        </p>
      )}
      <div className="confirm-actions">
        <button ref={cancelRef} type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={props.busy} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
