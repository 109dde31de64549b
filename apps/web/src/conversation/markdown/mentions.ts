/** A run of text: plain, or an `@name` (lower-cased in `name`) to show as a mention. */
export type MentionPart =
  | { kind: 'text'; text: string }
  | { kind: 'mention'; text: string; name: string };

// The same token rules as parseMentions in @confab/contracts (which decides who is notified):
// a name runs over letters, digits, marks and _, and the @ must not follow one of those or an @.
const MENTION_TOKEN = /@([\p{L}\p{M}\p{N}_]+)/gu;
const NAME_CHAR = /[\p{L}\p{M}\p{N}_@]/u;

/**
 * Splits text into plain runs and mentions of `known` names (usernames in lower case, and
 * 'room'); an `@word` naming nobody stays plain text.
 */
export function splitMentions(text: string, known: (name: string) => boolean): MentionPart[] {
  if (!text.includes('@')) return [{ kind: 'text', text }];
  const parts: MentionPart[] = [];
  let plainFrom = 0;
  for (const match of text.matchAll(MENTION_TOKEN)) {
    const before = Array.from(text.slice(Math.max(0, match.index - 2), match.index)).pop();
    if (before !== undefined && NAME_CHAR.test(before)) continue;
    const name = (match[1] ?? '').toLowerCase();
    if (!known(name)) continue;
    if (match.index > plainFrom)
      parts.push({ kind: 'text', text: text.slice(plainFrom, match.index) });
    parts.push({ kind: 'mention', text: match[0], name });
    plainFrom = match.index + match[0].length;
  }
  if (plainFrom < text.length) parts.push({ kind: 'text', text: text.slice(plainFrom) });
  return parts;
}
