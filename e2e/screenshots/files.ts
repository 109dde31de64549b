import { deflateSync } from 'node:zlib';

const baseURL = `http://127.0.0.1:${process.env.E2E_PORT ?? 4317}`;

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A picture for the screenshots, drawn here rather than kept as a binary: a dusk sky over a
 * hill, `width` x `height` RGB.
 */
export function landscapePng(width: number, height: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3); // Filter byte 0: raw pixels.
    for (let x = 0; x < width; x += 1) {
      const t = y / height;
      const hill = height * (0.68 + 0.12 * Math.sin((x / width) * Math.PI * 1.6 + 0.4));
      const [r, g, b] =
        y > hill
          ? [40 + 30 * t, 90 + 40 * t, 70 + 10 * t]
          : [250 - 140 * t, 170 - 90 * t, 120 + 90 * t];
      row.set([Math.round(r), Math.round(g), Math.round(b)], 1 + x * 3);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace.
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
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
