import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AVATAR_ROUTES,
  AVATAR_UPLOAD_TYPES,
  type AvatarRemoved,
  type AvatarUploaded,
  ERROR_CODES,
  LIMITS,
  UserId,
} from '@confab/contracts';
import { type AnyRouter, TRPCError } from '@trpc/server';
import { AppError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { AVATAR_CONTENT_TYPE, normalizeAvatar } from '../services/avatar-image.js';
import { announceProfile } from '../services/profile-news.js';
import type { Services } from '../trpc.js';
import { answering, decodedSegment } from './media-answer.js';
import { readBodyUpTo } from './read-limited-body.js';

/** A year: the longest cache lifetime browsers honour; a new picture has a new URL. */
const IMMUTABLE = 'private, max-age=31536000, immutable';
/** Without the current version in the URL the answer may be kept but is asked about each time. */
const REVALIDATE = 'private, no-cache';

/**
 * Uploads one process reads and decodes at once, by default. Each holds its body (up to
 * LIMITS.avatarMaxBytes) and a decode's pixels: this bounds what avatars can take of the
 * server's memory however many people upload at the same moment.
 */
export const DEFAULT_AVATAR_UPLOADS_AT_ONCE = 4;

const busy = (message: string) =>
  new AppError(ERROR_CODES.RATE_LIMITED, message, { retryAfterMs: 1_000 });

const tooLarge = () =>
  new AppError(
    ERROR_CODES.FILE_TOO_LARGE,
    `An avatar is at most ${LIMITS.avatarMaxBytes / (1024 * 1024)} MiB`,
  );

/** The media type of a Content-Type header, lower-cased, without parameters. */
function mediaTypeOf(header: string | undefined): string {
  return header?.split(';')[0]?.trim().toLowerCase() ?? '';
}

function answerJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * The avatar routes under AVATAR_ROUTES.prefix (binary bodies do not go through tRPC):
 *
 * - `PUT /media/avatars/me`, the picture as the raw body: stored as a square WebP; answers
 *   `{ avatarVersion }`.
 * - `DELETE /media/avatars/me`: removes it; answers `{ removed }`.
 * - `GET /media/avatars/<userId>?v=<version>`: the picture, to any signed-in user.
 *
 * Each authenticates as the API does (bearer token, or the session cookie from the server's
 * own pages: `caller` applies the same Origin check) and counts against a rate limit; a
 * refusal is the API's JSON error and changes nothing.
 */
export function createAvatarRoutes(deps: {
  services: Services;
  /** For refusals in the API's error shape (its formatter adds the appCode). */
  router: AnyRouter;
  /** The request's session token (bearer, or an allowed page's cookie) and client address. */
  caller: (req: IncomingMessage) => { token: string | undefined; address: string };
  log: Logger;
  /** @default Date.now */
  now?: () => number;
  /** Uploads read and decoded at once by this process. @default DEFAULT_AVATAR_UPLOADS_AT_ONCE */
  uploadsAtOnce?: number;
}) {
  const { services, router, log } = deps;
  const now = deps.now ?? Date.now;
  const uploadsAtOnce = deps.uploadsAtOnce ?? DEFAULT_AVATAR_UPLOADS_AT_ONCE;
  /** Users whose upload this process is reading or decoding: one each at a time. */
  const uploading = new Set<string>();

  async function upload(req: IncomingMessage, res: ServerResponse, userId: string) {
    await services.limits.take('avatarWritePerUser', userId);
    const type = mediaTypeOf(req.headers['content-type']);
    if (!(AVATAR_UPLOAD_TYPES as readonly string[]).includes(type))
      throw new AppError(
        ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
        'An avatar is a PNG, JPEG, WebP or GIF image (its Content-Type)',
      );
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > LIMITS.avatarMaxBytes) throw tooLarge();
    if (uploading.has(userId)) throw busy('Your previous picture is still uploading');
    if (uploading.size >= uploadsAtOnce) throw busy('Many pictures are uploading; try again');
    uploading.add(userId);
    let version: number;
    try {
      const body = await readBodyUpTo(req, LIMITS.avatarMaxBytes);
      if (body === 'too-large') throw tooLarge();
      const image = await normalizeAvatar(body);
      version = await services.store.putAvatar(userId, {
        image,
        contentType: AVATAR_CONTENT_TYPE,
        at: now(),
      });
    } finally {
      uploading.delete(userId);
    }
    answerJson(res, 200, { avatarVersion: version } satisfies AvatarUploaded);
    await announceProfile(services, userId);
  }

  async function remove(res: ServerResponse, userId: string) {
    await services.limits.take('avatarWritePerUser', userId);
    const removed = await services.store.deleteAvatar(userId);
    answerJson(res, 200, { removed } satisfies AvatarRemoved);
    if (removed) await announceProfile(services, userId);
  }

  async function serve(req: IncomingMessage, res: ServerResponse, callerId: string, id: string) {
    await services.limits.take('avatarReadPerUser', callerId);
    const userId = UserId.safeParse(decodedSegment(id));
    const avatar = userId.success ? await services.store.avatarOf(userId.data) : undefined;
    if (!avatar) throw new AppError(ERROR_CODES.AVATAR_NOT_FOUND, 'No avatar');
    const etag = `"${avatar.version}"`;
    const asked = new URL(req.url ?? '/', 'http://x').searchParams.get('v');
    const headers = {
      'Content-Type': avatar.contentType,
      'X-Content-Type-Options': 'nosniff',
      // Only this origin's pages may show it (no-cors loads from other sites).
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': asked === String(avatar.version) ? IMMUTABLE : REVALIDATE,
      ETag: etag,
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': String(avatar.image.byteLength) });
    res.end(req.method === 'HEAD' ? undefined : avatar.image);
  }

  async function answer(req: IncomingMessage, res: ServerResponse, path: string) {
    const rest = path.slice(AVATAR_ROUTES.prefix.length + 1);
    const method = req.method ?? 'GET';
    const allowed = rest === 'me' ? ['PUT', 'DELETE'] : ['GET', 'HEAD'];
    if (!rest || rest.includes('/') || !allowed.includes(method)) {
      res.setHeader('Allow', allowed.join(', '));
      throw new TRPCError({
        code: 'METHOD_NOT_SUPPORTED',
        message: `${path} takes ${allowed.join(' or ')}`,
      });
    }
    // Before the body is read: a stranger's upload costs no more than its headers.
    const { token } = deps.caller(req);
    const { user } = await services.accounts.authenticate(token);
    if (method === 'PUT') await upload(req, res, user.id);
    else if (method === 'DELETE') await remove(res, user.id);
    else await serve(req, res, user.id, rest);
  }

  return {
    /** Uploads this process is reading or decoding now (for tests and metrics). */
    uploadsUnderWay(): number {
      return uploading.size;
    },
    /** Whether `path` is one of these routes (then `handle` answers it). */
    owns(path: string): boolean {
      return path.startsWith(`${AVATAR_ROUTES.prefix}/`);
    },
    /** Answers the request; never throws (every failure is answered as a refusal). */
    handle(req: IncomingMessage, res: ServerResponse, path: string): void {
      answering(`avatar ${path}`, { router, log }, req, res, answer(req, res, path));
    },
  };
}
