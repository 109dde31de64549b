import { encodePng } from '../fixtures/png';
import { e2ePort } from '../fixtures/port';

const baseURL = `http://127.0.0.1:${e2ePort()}`;

/**
 * A picture for the screenshots, drawn here rather than kept as a binary: a dusk sky over a
 * hill, `width` x `height` RGB.
 */
export function landscapePng(width: number, height: number): Buffer {
  return encodePng(width, height, (x, y) => {
    const t = y / height;
    const hill = height * (0.68 + 0.12 * Math.sin((x / width) * Math.PI * 1.6 + 0.4));
    return y > hill
      ? [40 + 30 * t, 90 + 40 * t, 70 + 10 * t]
      : [250 - 140 * t, 170 - 90 * t, 120 + 90 * t];
  });
}

/** The part of the server's FileInfo a send needs. */
interface Uploaded {
  id: string;
  name: string;
}

/** Uploads a file to a room as the token's user (FILE_ROUTES.upload); its id is for a send. */
export async function apiUpload(
  token: string,
  roomId: string,
  file: { name: string; type: string; bytes: Buffer },
): Promise<Uploaded> {
  const query = new URLSearchParams({ roomId, name: file.name });
  const response = await fetch(`${baseURL}/media/files?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': file.type },
    body: new Uint8Array(file.bytes),
  });
  const json = (await response.json()) as { file?: Uploaded; error?: unknown };
  if (response.status !== 201 || !json.file)
    throw new Error(`upload failed: ${JSON.stringify(json.error)}`);
  return json.file;
}
