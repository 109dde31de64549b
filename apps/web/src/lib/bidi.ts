/** FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE (UAX #9): what <bdi> does, in plain text. */
const FSI = '\u2068';
const PDI = '\u2069';

/** Printable ASCII: no right-to-left letters and no bidi controls, so nothing to isolate. */
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

/**
 * A user-chosen name (or topic) for plain text that no element can wrap: notification titles
 * and bodies, placeholders. Wrapped in FSI…PDI, so a bidi override (U+202E) or right-to-left
 * letters in it cannot reorder the words around it; PDI also closes any override the name
 * leaves open. ASCII names are returned as they are: they cannot reorder anything, and
 * notification texts stay byte-for-byte what they were.
 */
export function isolateText(name: string): string {
  return PLAIN_ASCII.test(name) ? name : `${FSI}${name}${PDI}`;
}
