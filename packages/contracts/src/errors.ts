/**
 * Application error codes. Every refused request carries one of these in the tRPC error's
 * `data.appCode`, next to tRPC's own HTTP-like `code`, so a client can tell apart causes that
 * share an HTTP status (a wrong password and a revoked session are both UNAUTHORIZED).
 */
export const ERROR_CODES = {
  /** The input failed the contracts' validation; `data.issues` says which field and why. */
  VALIDATION: 'VALIDATION',
  /** Registration chose a username somebody already has. */
  USERNAME_TAKEN: 'USERNAME_TAKEN',
  /** Login with an unknown username or a wrong password (deliberately not told apart). */
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  /** No session token was presented to a procedure that needs one. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The token is unknown (never issued, or logged out). */
  SESSION_INVALID: 'SESSION_INVALID',
  /** The token was not used for longer than the idle lifetime. */
  SESSION_EXPIRED: 'SESSION_EXPIRED',
  /** The token's session was revoked from another device. */
  SESSION_REVOKED: 'SESSION_REVOKED',
  /**
   * A JWT an app signed was refused: bad signature, wrong audience or issuer, no `sub`, or a
   * JWT that no key configured here can check (an expired one is SESSION_EXPIRED instead).
   */
  TOKEN_INVALID: 'TOKEN_INVALID',
  /** auth.revokeSession named a session the user does not have (or no longer has). */
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  /** The room does not exist, or the caller may not know that it does. */
  ROOM_NOT_FOUND: 'ROOM_NOT_FOUND',
  /** The caller may see the room but not do this in it (e.g. rename without being an admin). */
  FORBIDDEN: 'FORBIDDEN',
  /** The user named does not exist. */
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  /** The message does not exist in that room. */
  MESSAGE_NOT_FOUND: 'MESSAGE_NOT_FOUND',
  /**
   * The file does not exist, or the caller may not fetch it (not a member of its room, or an
   * upload of someone else that no message carries yet).
   */
  FILE_NOT_FOUND: 'FILE_NOT_FOUND',
  /** An upload is larger than LIMITS.fileMaxBytes (or the avatar limit): nothing was kept. */
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  /** The request conflicts with the current state (already a member, DM with oneself...). */
  CONFLICT: 'CONFLICT',
  /** Too many requests; retry after `data.retryAfterMs`. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The stream fell too far behind (the client stopped reading): reconnect and resume. */
  SLOW_CONSUMER: 'SLOW_CONSUMER',
  /** The API key of a server-to-server call is missing or wrong. */
  INVALID_API_KEY: 'INVALID_API_KEY',
  /** The user has no avatar (or there is no such user). */
  AVATAR_NOT_FOUND: 'AVATAR_NOT_FOUND',
  /** An upload's Content-Type is not one the route takes (avatars: PNG, JPEG, WebP, GIF). */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /**
   * An uploaded image cannot be decoded, or is larger (in pixels) than its limit
   * (LIMITS.avatarMaxPixels): nothing was stored.
   */
  IMAGE_INVALID: 'IMAGE_INVALID',
  /**
   * A search found no hit within what the server allows one call to cost (SEARCH_LIMITS: a word
   * in a great many messages, in any room): add a word to narrow it.
   */
  SEARCH_TOO_BROAD: 'SEARCH_TOO_BROAD',
  /** Something failed on the server; nothing the client sent caused it. */
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
