import { z } from 'zod';
import type { UserId } from './ids.js';

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

/** The answer to an upload: the caller's new `avatarVersion`. */
export const AvatarUploaded = z.object({ avatarVersion: z.number().int().positive() });
export type AvatarUploaded = z.infer<typeof AvatarUploaded>;

/** The answer to a removal: false when there was no avatar to remove. */
export const AvatarRemoved = z.object({ removed: z.boolean() });
export type AvatarRemoved = z.infer<typeof AvatarRemoved>;
