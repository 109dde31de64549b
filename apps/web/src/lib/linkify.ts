/** A run of message text: plain, or a web address to make clickable. */
export type TextPart =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
/** Punctuation that ends a sentence more often than it ends an address. */
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', "'", '"', ')', ']', '}']);

const count = (text: string, char: string) => text.split(char).length - 1;

/** "see https://a.example/x." -> "https://a.example/x"; "(https://a.example/w_(b))" keeps one ")". */
function trimTrailing(candidate: string): string {
  let end = candidate.length;
  for (;;) {
    const last = candidate[end - 1];
    if (last === undefined || !TRAILING.has(last)) break;
    const head = candidate.slice(0, end);
    if (last === ')' && count(head, '(') >= count(head, ')')) break;
    end--;
  }
  return candidate.slice(0, end);
}

/** The address as a link target, or null if it is not a well-formed http(s) URL. */
function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Splits message text into plain runs and http(s) links. The result is rendered as React
 * text and `<a>` elements: nothing in a message is ever parsed as HTML.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let plainFrom = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const candidate = trimTrailing(match[0]);
    const href = safeHref(candidate);
    if (!href) continue;
    const start = match.index;
    if (start > plainFrom) parts.push({ kind: 'text', text: text.slice(plainFrom, start) });
    parts.push({ kind: 'link', text: candidate, href });
    plainFrom = start + candidate.length;
  }
  if (plainFrom < text.length) parts.push({ kind: 'text', text: text.slice(plainFrom) });
  return parts;
}
