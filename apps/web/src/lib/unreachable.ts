import { errorCodeOf, errorMessageOf } from '@confab/client';

/** Shown in place of the browser's "Failed to fetch" when a request never reached the server. */
export const UNREACHABLE_MESSAGE = 'Can’t reach the server; retrying…';

// What each browser's fetch says when no answer came (Chromium, Firefox, Safari, Node/undici).
// tRPC passes that message through as its own, with no application code: that absence is what
// tells a request that was never answered from one the server refused.
const NETWORK_FAILURES =
  /^(Failed to fetch|NetworkError when attempting to fetch resource\.?|Load failed|fetch failed)$/;

/** True for a message saying the request never reached the server (network down, server stopped). */
export function isUnreachableMessage(message: string | null | undefined): boolean {
  return message !== null && message !== undefined && NETWORK_FAILURES.test(message);
}

/** True when a failed call never got an answer from the server. */
export function isUnreachable(error: unknown): boolean {
  return errorCodeOf(error) === undefined && isUnreachableMessage(errorMessageOf(error));
}
