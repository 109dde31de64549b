import { FILE_ROUTES, type FileInfo } from '@confab/contracts';
import { useState } from 'react';
import { Icon } from '../ui/Icon';
import '../styles/files.css';
import { formatFileSize } from './file-size';
import { ImageViewer } from './ImageViewer';
import { thumbnailSize } from './thumbnail-size';

/** Longest side a thumbnail is shown at in a message, in CSS pixels. */
const THUMBNAIL_SHOWN_PX = 240;

/**
 * A message's files under its text: images as thumbnails that open in a viewer, other files
 * as cards with a download link. Downloads are always served as attachments (never shown as a
 * page of this origin: the server's fileHeaders).
 */
export function Attachments(props: { files: readonly FileInfo[] }) {
  const [viewing, setViewing] = useState<FileInfo | null>(null);
  const images = props.files.filter((file) => file.image);
  const others = props.files.filter((file) => !file.image);
  return (
    // Clicks here open or save files: they do not also toggle the message's menu.
    // biome-ignore lint/a11y/useKeyWithClickEvents: only stops the click from reaching the row.
    // biome-ignore lint/a11y/noStaticElementInteractions: as above.
    <div className="attachments" onClick={(event) => event.stopPropagation()}>
      {images.length > 0 && (
        <div className="attachment-images">
          {images.map((file) => (
            <Thumbnail key={file.id} file={file} onOpen={() => setViewing(file)} />
          ))}
        </div>
      )}
      {others.map((file) => (
        <FileCard key={file.id} file={file} />
      ))}
      {viewing && <ImageViewer file={viewing} onClose={() => setViewing(null)} />}
    </div>
  );
}

function Thumbnail({ file, onOpen }: { file: FileInfo; onOpen: () => void }) {
  const size = thumbnailSize(file.image ?? { width: 1, height: 1 }, THUMBNAIL_SHOWN_PX);
  return (
    <button
      type="button"
      className="attachment-image"
      aria-label={`Open ${file.name}`}
      data-testid="attachment-image"
      onClick={onOpen}
    >
      <img
        src={FILE_ROUTES.thumbnail(file.id)}
        alt={file.name}
        width={size.width}
        height={size.height}
        loading="lazy"
      />
    </button>
  );
}

function FileCard({ file }: { file: FileInfo }) {
  return (
    <div className="file-card" data-testid="file-card">
      <Icon name="file" />
      <span className="file-card-text">
        <bdi className="file-card-name">{file.name}</bdi>
        <span className="file-card-meta">
          {formatFileSize(file.size)} · {file.type}
        </span>
      </span>
      <a
        className="icon-button"
        href={FILE_ROUTES.download(file.id)}
        download={file.name}
        aria-label={`Download ${file.name}`}
        title="Download"
      >
        <Icon name="download" />
      </a>
    </div>
  );
}
