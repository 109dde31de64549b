// Without zod: the web app imports these at startup (see conversation-rules.ts).
import type { UserId } from './opaque-ids.js';

/**
 * The HTTP routes of avatars (binary bodies do not go through tRPC). An upload is
 * `PUT /media/avatars/me` with the image as the raw body and its type as Content-Type
 * (AVATAR_UPLOAD_TYPES, at most LIMITS.avatarMaxBytes); `DELETE` on the same path removes it.
 */
export const AVATAR_ROUTES = {
  prefix: '/media/avatars',
  /** The caller's own avatar: PUT a new one, DELETE it. */
  mine: '/media/avatars/me',
  /**
   * A user's avatar as the server stored it (WebP, LIMITS.avatarSizePx square), for any
   * signed-in user; `version` is their `avatarVersion`, under which it is cached for good.
   */
  of: (userId: UserId, version: number) =>
    `/media/avatars/${encodeURIComponent(userId)}?v=${version}`,
} as const;

/** What an avatar upload may be (its Content-Type); the server also checks the bytes are. */
export const AVATAR_UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
