import * as z from 'zod';

export * from './avatar-routes.js';

/** The answer to an upload: the caller's new `avatarVersion`. */
export const AvatarUploaded = z.object({ avatarVersion: z.number().int().positive() });
export type AvatarUploaded = z.infer<typeof AvatarUploaded>;

/** The answer to a removal: false when there was no avatar to remove. */
export const AvatarRemoved = z.object({ removed: z.boolean() });
export type AvatarRemoved = z.infer<typeof AvatarRemoved>;
