import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIMITS } from '@confab/contracts';

export const SESSION_COOKIE = 'confab_session';
/**
 * The name over HTTPS. Browsers accept a `__Host-` cookie only when it is Secure, has Path=/
 * and no Domain, so a sibling subdomain cannot set or shadow it (cookie tossing). Plain HTTP
 * (development) cannot have one.
 */
const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/** The session cookie's name for a server served over HTTPS or not. */
export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/**
 * A cookie's value, or undefined. Whatever the client sent: a value that is not valid
 * percent-encoding (`%`, `%zz`, a lone surrogate's `%ED%A0%80`) counts as no cookie, never a
 * throw (it once was an uncaught URIError in the upgrade listener that took the process down).
 */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decode(part.slice(eq + 1).trim());
  }
  return undefined;
}

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The web app's session cookie: HttpOnly (scripts never see the token), SameSite=Lax (not sent
 * on cross-site subrequests, so other sites cannot post as the user), and behind HTTPS Secure
 * under its `__Host-` name.
 */
export function writeSessionCookie(
  res: ServerResponse,
  token: string | null,
  secure: boolean,
): void {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (secure) attributes.push('Secure');
  const maxAge = token === null ? 0 : Math.floor(LIMITS.sessionIdleTtlMs / 1000);
  res.appendHeader(
    'Set-Cookie',
    `${sessionCookieName(secure)}=${token ?? ''}; Max-Age=${maxAge}; ${attributes.join('; ')}`,
  );
  // Beside it, with the same lifetime, a hint the page can read (it holds nothing secret):
  // without it the web app shows the sign-in form at once instead of first asking the server
  // who is signed in, a round trip a new visitor on a slow link would wait for (issue 18).
  const hint = ['Path=/', 'SameSite=Lax', ...(secure ? ['Secure'] : [])].join('; ');
  res.appendHeader(
    'Set-Cookie',
    `${SIGNED_IN_HINT_COOKIE}=${token === null ? '' : '1'}; Max-Age=${maxAge}; ${hint}`,
  );
}

/** The page-readable "a session cookie was set here" hint (see writeSessionCookie). */
export const SIGNED_IN_HINT_COOKIE = 'confab_signed_in';
