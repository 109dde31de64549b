import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FILE_ROUTES, FileId, IMAGE_TYPES, RoomId } from '@confab/contracts';
import { type AnyRouter, TRPCError } from '@trpc/server';
import type { Logger } from '../observability/logger.js';
import type { Authenticated } from '../services/accounts.js';
import type { Services } from '../trpc.js';
import { answering, decodedSegment } from './media-answer.js';

/**
 * Files may be fetched again later by whoever still may: the browser keeps its own copy a day
 * (private: never a shared cache), and a file's bytes never change under its id.
 */
const CACHE = 'private, max-age=86400';
/** Whatever a file holds, it never runs as a page of this origin (see `fileHeaders`). */
const SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:";

/** `filename` for Content-Disposition: ASCII fallback plus the UTF-8 name (RFC 6266). */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * What a download is served as: an image the server decoded (so it really is one) as its
 * type; everything else, whatever it claimed (HTML, SVG, scripts), as opaque bytes. Always an
 * attachment, in a sandbox, unsniffed: opened directly it is saved, not rendered in this
 * origin, and a page cannot load it as a script or style (nosniff, CORP).
 */
export function fileHeaders(file: { name: string; type: string; image?: unknown }) {
  const inline = file.image !== undefined && (IMAGE_TYPES as readonly string[]).includes(file.type);
  return {
    'Content-Type': inline ? file.type : 'application/octet-stream',
    'Content-Disposition': attachmentDisposition(file.name),
    'Content-Security-Policy': SANDBOX,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': CACHE,
  };
}

const notSupported = (path: string, allowed: readonly string[]) =>
  new TRPCError({ code: 'METHOD_NOT_SUPPORTED', message: `${path} takes ${allowed.join(' or ')}` });

/**
 * The file routes under FILE_ROUTES.upload (binary bodies do not go through tRPC):
 *
 * - `POST /media/files?roomId=<room>&name=<file name>`, the file as the raw body and its type as
 *   Content-Type: stored while it streams in; answers 201 `{ file: FileInfo }`.
 * - `GET /media/files/<id>`: the file, as an attachment (see fileHeaders).
 * - `GET /media/files/<id>/thumbnail`: an image's WebP thumbnail.
 * - `DELETE /media/files/<id>`: cancels one's own upload that no message carries yet.
 *
 * Each authenticates as the API does (bearer token, or the session cookie from the server's own
 * pages: `caller` applies the same Origin check), is rate-limited, and checks membership of the
 * file's room on every request; a refusal is the API's JSON error and changes nothing.
 */
export function createFileRoutes(deps: {
  services: Services;
  /** For refusals in the API's error shape (its formatter adds the appCode). */
  router: AnyRouter;
  /** The request's session token (bearer, or an allowed page's cookie). */
  caller: (req: IncomingMessage) => { token: string | undefined };
  log: Logger;
}) {
  const { services, router, log } = deps;
  const prefix = FILE_ROUTES.upload;

  async function upload(req: IncomingMessage, res: ServerResponse, auth: Authenticated) {
    await services.limits.take('uploadPerUser', auth.user.id);
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const roomId = RoomId.safeParse(query.get('roomId') ?? '');
    if (!roomId.success)
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'roomId: give the room to upload to' });
    const length = req.headers['content-length'];
    const file = await services.files.upload(
      auth,
      {
        roomId: roomId.data,
        name: query.get('name') ?? '',
        type: req.headers['content-type'],
        ...(length !== undefined ? { declaredSize: Number(length) } : {}),
      },
      req,
    );
    res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ file }));
  }

  async function download(
    req: IncomingMessage,
    res: ServerResponse,
    auth: Authenticated,
    id: string,
    thumb: boolean,
  ) {
    await services.limits.take('downloadPerUser', auth.user.id);
    if (thumb) {
      const thumbnail = await services.files.thumbnail(auth, id);
      res.writeHead(200, {
        ...fileHeaders({ name: 'thumbnail.webp', type: 'image/webp', image: true }),
        'Content-Length': String(thumbnail.byteLength),
      });
      res.end(req.method === 'HEAD' ? undefined : thumbnail);
      return;
    }
    const file = await services.files.open(auth, id);
    res.writeHead(200, { ...fileHeaders(file), 'Content-Length': String(file.size) });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // Chunk by chunk, each read only once the socket took the last (pipeline's backpressure).
    await pipeline(Readable.from(services.files.bytes(file)), res);
  }

  async function answer(req: IncomingMessage, res: ServerResponse, path: string) {
    const method = req.method ?? 'GET';
    const [rawId, what, ...more] = path.slice(prefix.length + 1).split('/');
    const thumb = what === 'thumbnail';
    if ((what !== undefined && !thumb) || more.length > 0)
      throw new TRPCError({ code: 'NOT_FOUND', message: 'No such file route' });
    const allowed =
      path === prefix ? ['POST'] : thumb ? ['GET', 'HEAD'] : ['GET', 'HEAD', 'DELETE'];
    if (!allowed.includes(method)) {
      res.setHeader('Allow', allowed.join(', '));
      throw notSupported(path, allowed);
    }
    // Before the body is read: a stranger's upload costs only its headers.
    const auth = await services.accounts.authenticate(deps.caller(req).token);
    if (path === prefix) {
      await upload(req, res, auth);
      return;
    }
    const id = FileId.safeParse(decodedSegment(rawId));
    if (!id.success) throw new TRPCError({ code: 'BAD_REQUEST', message: 'Not a file id' });
    if (method === 'DELETE') {
      await services.limits.take('uploadPerUser', auth.user.id);
      await services.files.cancel(auth, id.data);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"cancelled":true}');
      return;
    }
    await download(req, res, auth, id.data, thumb);
  }

  return {
    /** Whether `path` is one of these routes (then `handle` answers it). */
    owns(path: string): boolean {
      return path === prefix || path.startsWith(`${prefix}/`);
    },
    /**
     * Answers the request; never throws. A refusal after the answer started (a download cut
     * short) ends the connection, so the client sees an incomplete body, never a wrong one.
     */
    handle(req: IncomingMessage, res: ServerResponse, path: string): void {
      answering(`file ${path}`, { router, log }, req, res, answer(req, res, path));
    },
  };
}
