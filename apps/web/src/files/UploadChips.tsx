import { Icon } from '../ui/Icon';
import '../styles/files.css';
import { formatFileSize } from './file-size';
import type { Upload } from './uploads';

/** The composer's attached files: a chip each, with its progress or why it failed. */
export function UploadChips(props: {
  uploads: readonly Upload[];
  onRemove: (key: string) => void;
}) {
  if (props.uploads.length === 0) return null;
  return (
    <ul className="upload-chips" aria-label="Attached files">
      {props.uploads.map((upload) => (
        <UploadChip key={upload.key} upload={upload} onRemove={props.onRemove} />
      ))}
    </ul>
  );
}

function UploadChip({ upload, onRemove }: { upload: Upload; onRemove: (key: string) => void }) {
  const percent = upload.size === 0 ? 100 : Math.round((upload.sent / upload.size) * 100);
  const uploading = upload.state === 'uploading';
  return (
    <li
      className={`upload-chip ${upload.state}`}
      data-testid="upload-chip"
      data-state={upload.state}
    >
      <span className="upload-chip-text">
        <bdi className="upload-chip-name" title={upload.name}>
          {upload.name}
        </bdi>
        <span className="upload-chip-size">{formatFileSize(upload.size)}</span>
      </span>
      {upload.state === 'failed' ? (
        <span className="upload-chip-error" role="alert">
          {upload.error}
        </span>
      ) : (
        <span
          className="upload-progress"
          role="progressbar"
          aria-label={uploading ? `Uploading ${upload.name}` : `${upload.name} uploaded`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={uploading ? Math.min(percent, 99) : 100}
        >
          <span style={{ width: `${uploading ? percent : 100}%` }} />
        </span>
      )}
      <button
        type="button"
        className="icon-button"
        aria-label={uploading ? `Cancel upload of ${upload.name}` : `Remove ${upload.name}`}
        title={uploading ? 'Cancel upload' : 'Remove'}
        onClick={() => onRemove(upload.key)}
      >
        <Icon name="close" />
      </button>
    </li>
  );
}
