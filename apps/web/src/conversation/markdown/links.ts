/** Where a link in a message may point: the web and e-mail, nothing that runs or embeds. */
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The address, normalised, when it is an absolute http(s) or mailto URL; otherwise null. */
export function safeHref(candidate: string | undefined): string | null {
  if (!candidate) return null;
  try {
    const url = new URL(candidate);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}
