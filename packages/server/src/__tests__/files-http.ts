import { createHash } from 'node:crypto';
import { FILE_ROUTES, type FileInfo } from '@confab/contracts';
import sharp from 'sharp';

/** An answer of a file route: status, headers and body as bytes. */
export interface FileAnswer {
  status: number;
  headers: Headers;
  bytes: Buffer;
  /** The body as the API's JSON error, when it is one. */
  appCode: string | undefined;
}

async function answerOf(response: Response): Promise<FileAnswer> {
  const bytes = Buffer.from(await response.arrayBuffer());
  let appCode: string | undefined;
  if (response.headers.get('content-type')?.startsWith('application/json')) {
    const body = JSON.parse(bytes.toString()) as { error?: { data?: { appCode?: string } } };
    appCode = body.error?.data?.appCode;
  }
  return { status: response.status, headers: response.headers, bytes, appCode };
}

const bearer = (token: string | undefined): Record<string, string> =>
  token ? { Authorization: `Bearer ${token}` } : {};

/** Uploads `bytes` as a file of `type` named `name` to the room, as the token's user. */
export async function uploadFile(
  url: string,
  token: string | undefined,
  roomId: string,
  file: { name: string; type: string; bytes: Uint8Array },
): Promise<FileAnswer & { file: FileInfo | undefined }> {
  const query = new URLSearchParams({ roomId, name: file.name });
  const answer = await answerOf(
    await fetch(`${url}${FILE_ROUTES.upload}?${query}`, {
      method: 'POST',
      headers: { 'Content-Type': file.type, ...bearer(token) },
      body: file.bytes,
    }),
  );
  const uploaded =
    answer.status === 201 ? (JSON.parse(answer.bytes.toString()) as { file: FileInfo }) : undefined;
  return { ...answer, file: uploaded?.file };
}

/** GETs (or HEADs, DELETEs) a file route as the token's user. */
export async function fetchFile(
  url: string,
  token: string | undefined,
  path: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<FileAnswer> {
  return answerOf(
    await fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...bearer(token), ...init.headers },
    }),
  );
}

/** A PNG of the given size (a flat colour). */
export function pngOf(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
