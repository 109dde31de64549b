import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { negotiateCoding } from './accept-encoding.js';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * How JSON answers of queries and mutations are compressed. The CPU is per response (unlike
 * the web app's files, compressed once at build), so it is bounded by a size floor and modest
 * levels. Event streams (SSE, WebSocket) are never compressed: see docs/operations.md.
 */
export interface ResponseCompression {
  /**
   * Answers shorter than this go as they are: most answers (a send's ack, auth.me) are a few
   * hundred bytes, where compressing saves less than a packet and still costs a zlib context.
   * `Infinity` turns compression off. @default 1024
   */
  minBytes: number;
  /** zlib's gzip level, 1 (fastest) to 9 (smallest). @default 6 */
  gzipLevel: number;
  /**
   * Brotli's quality, 0 to 11. Above 5 brotli gets slow quickly (11 is for build time only);
   * at 4 it is about as fast as gzip 6 and smaller. @default 4
   */
  brotliQuality: number;
}

export const DEFAULT_RESPONSE_COMPRESSION: ResponseCompression = {
  minBytes: 1024,
  gzipLevel: 6,
  brotliQuality: 4,
};

/**
 * Answers with a JSON text, compressed by what `Accept-Encoding` takes best when it is at least
 * `minBytes` long. zlib's asynchronous calls run on libuv's thread pool, so compressing a large
 * history page does not hold up the event loop that carries every live stream.
 */
export async function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  json: string,
  options: ResponseCompression,
): Promise<void> {
  const bytes = Buffer.from(json);
  if (bytes.length < options.minBytes) {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(bytes);
    return;
  }
  const coding = negotiateCoding(req.headers['accept-encoding'], ['br', 'gzip']);
  const body =
    coding === 'br'
      ? await brotli(bytes, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: options.brotliQuality,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        })
      : coding === 'gzip'
        ? await gzipped(bytes, { level: options.gzipLevel })
        : bytes;
  // The client may have gone while zlib worked.
  if (res.destroyed) return;
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': body.length,
    ...(coding === 'identity' ? {} : { 'Content-Encoding': coding }),
    // This answer's size gave a choice of codings: a cache must keep them apart (after any
    // Vary already set, such as CORS's Origin).
    Vary: [res.getHeader('Vary'), 'Accept-Encoding'].filter((v) => v !== undefined).join(', '),
  });
  res.end(body);
}
