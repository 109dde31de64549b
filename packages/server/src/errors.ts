import { ERROR_CODES, type ErrorCode } from '@confab/contracts';
import { TRPCError } from '@trpc/server';

type TrpcCode = ConstructorParameters<typeof TRPCError>[0]['code'];

/** tRPC's HTTP-like code for each application code. */
const TRPC_CODE: Record<ErrorCode, TrpcCode> = {
  VALIDATION: 'BAD_REQUEST',
  USERNAME_TAKEN: 'CONFLICT',
  INVALID_CREDENTIALS: 'UNAUTHORIZED',
  UNAUTHENTICATED: 'UNAUTHORIZED',
  SESSION_INVALID: 'UNAUTHORIZED',
  SESSION_EXPIRED: 'UNAUTHORIZED',
  SESSION_REVOKED: 'UNAUTHORIZED',
  TOKEN_INVALID: 'UNAUTHORIZED',
  SESSION_NOT_FOUND: 'NOT_FOUND',
  ROOM_NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  USER_NOT_FOUND: 'NOT_FOUND',
  MESSAGE_NOT_FOUND: 'NOT_FOUND',
  FILE_NOT_FOUND: 'NOT_FOUND',
  FILE_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  INVALID_API_KEY: 'UNAUTHORIZED',
  SLOW_CONSUMER: 'TOO_MANY_REQUESTS',
  AVATAR_NOT_FOUND: 'NOT_FOUND',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  IMAGE_INVALID: 'UNPROCESSABLE_CONTENT',
  SEARCH_TOO_BROAD: 'UNPROCESSABLE_CONTENT',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/** One field a VALIDATION refusal names: `path` as the input's field path (`password`). */
export interface AppErrorIssue {
  path: string;
  message: string;
}

/** A refusal the client is meant to understand: carries an application code to the wire. */
export class AppError extends TRPCError {
  readonly appCode: ErrorCode;
  readonly retryAfterMs: number | undefined;
  /** For VALIDATION decided by the server (not the input schema): which fields, and why. */
  readonly issues: readonly AppErrorIssue[] | undefined;

  constructor(
    appCode: ErrorCode,
    message: string,
    options: { retryAfterMs?: number; issues?: readonly AppErrorIssue[] } = {},
  ) {
    super({ code: TRPC_CODE[appCode], message });
    this.appCode = appCode;
    this.retryAfterMs = options.retryAfterMs;
    this.issues = options.issues;
  }
}

export const roomNotFound = () => new AppError(ERROR_CODES.ROOM_NOT_FOUND, 'Room not found');
