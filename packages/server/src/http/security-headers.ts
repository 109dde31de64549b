import type { ServerResponse } from 'node:http';

/** How the response is served. */
export interface SecurityHeaderOptions {
  /** Served over HTTPS (directly or behind a TLS proxy): adds HSTS. @default false */
  secure?: boolean;
}

/**
 * The web app's policy. The built app is one module script and one stylesheet from /assets/, so
 * nothing inline is allowed: React's `style` props are set through the CSSOM, which style-src
 * does not govern. connect-src 'self' covers the same-host ws:/wss: socket in CSP Level 3
 * (Chromium since 71, Safari since 16; the e2e suite checks it). img-src allows data: and blob:
 * URLs the page makes itself (previews of files it holds), no remote images; worker-src is the
 * service worker (sw.js).
 * base-uri 'none' stops an injected <base> from re-rooting relative URLs.
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** An API response is data, never a page: if opened as one it may load nothing. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** One year, the span browsers' HSTS preload lists ask for. */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Headers for the web app's files (index.html, /assets/*, sw.js). Call before `writeHead`:
 * headers passed to writeHead win over these where both name one.
 *
 * Referrer-Policy is `same-origin`, not `no-referrer`: under no-referrer, Fetch sends
 * `Origin: null` on the page's own POSTs (fetch spec, "append a request Origin header"), and
 * the server tells the page's cookie calls from a foreign page's by that Origin. same-origin
 * still sends nothing to the sites that links in messages point at.
 */
export function setPageSecurityHeaders(
  res: ServerResponse,
  options: SecurityHeaderOptions = {},
): void {
  res.setHeader('Content-Security-Policy', PAGE_CONTENT_SECURITY_POLICY);
  // For browsers without CSP frame-ancestors (it supersedes this where both are known).
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  // No other window keeps a handle on ours (window.opener), nor ours on theirs.
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  // Other sites cannot pull our scripts or images into their pages (no-cors loads).
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  if (options.secure) res.setHeader('Strict-Transport-Security', HSTS);
}

/**
 * Headers for API responses (tRPC over HTTP, SSE, /healthz): never sniffed into a page, never
 * framed, never cached (they carry a user's data), no Referer. Call before `writeHead`; an SSE
 * stream's own Cache-Control passed to writeHead wins over this one.
 */
export function setApiSecurityHeaders(
  res: ServerResponse,
  options: SecurityHeaderOptions = {},
): void {
  res.setHeader('Content-Security-Policy', API_CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  if (options.secure) res.setHeader('Strict-Transport-Security', HSTS);
}
