import { FILE_ROUTES, type FileInfo } from '@confab/contracts';
import { useEffect, useId, useRef } from 'react';
import { createPortal } from 'react-dom';
import { Icon } from '../ui/Icon';

/**
 * An image full size, over the page: a modal <dialog> (focus and the screen reader stay inside
 * it) named by the file's name, with a download link. Escape, the close button or a click
 * beside the image closes it, and focus goes back to the thumbnail that opened it.
 */
export function ImageViewer(props: { file: FileInfo; onClose: () => void }) {
  const { file, onClose } = props;
  const dialogRef = useRef<HTMLDialogElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    closeRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  // In <body>, not in the message's list item (a dialog is no part of the message). React
  // still bubbles its events to the row, whose click toggles the row's menu: they stop here.
  // A click beside the image is a pointer shortcut; Escape and Close are the keyboard's way.
  return createPortal(
    <dialog
      ref={dialogRef}
      className="image-viewer"
      aria-labelledby={titleId}
      data-testid="image-viewer"
      onCancel={(event) => {
        // The browser would close the dialog itself; the owner unmounts it instead.
        event.preventDefault();
        onClose();
      }}
      onKeyDown={(event) => {
        event.stopPropagation();
        if (event.key !== 'Escape') return;
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        event.stopPropagation();
        // The dialog itself is hit only beside its content (its backdrop).
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div className="image-viewer-bar">
        <h2 id={titleId}>
          <bdi>{file.name}</bdi>
        </h2>
        <a className="button" href={FILE_ROUTES.download(file.id)} download={file.name}>
          <Icon name="download" /> Download
        </a>
        <button
          ref={closeRef}
          type="button"
          className="icon-button"
          aria-label="Close"
          title="Close (Escape)"
          onClick={onClose}
        >
          <Icon name="close" />
        </button>
      </div>
      <img
        src={FILE_ROUTES.download(file.id)}
        alt={file.name}
        width={file.image?.width}
        height={file.image?.height}
      />
    </dialog>,
    document.body,
  );
}
