// The rules of conversations that clients apply as the server does (emoji, mentions,
// notification levels), without zod: the web app and the SDK import them at startup, and zod's
// classic schemas do not tree-shake (see message-fields.ts). The schemas are in conversation.ts.
import { LIMITS } from './limits.js';

const EMOJI_CHAR = /\p{Extended_Pictographic}|\p{Regional_Indicator}|[#*0-9]\uFE0F?\u20E3/u;
/**
 * Made on the first emoji checked, not at import: a grapheme segmenter loads ICU's break rules,
 * which stay resident (~1 MiB in a bare Node process), and a server that never sees a reaction,
 * or a page of the web app that shows none, would carry them for nothing. `null` where Intl has
 * no Segmenter.
 */
let segmenter: Intl.Segmenter | null | undefined;
function graphemeSegmenter(): Intl.Segmenter | null {
  segmenter ??=
    typeof Intl !== 'undefined' && 'Segmenter' in Intl
      ? new Intl.Segmenter(undefined, { granularity: 'grapheme' })
      : null;
  return segmenter;
}

/** One emoji: a single grapheme (flags, skin tones and ZWJ families included) that is pictographic. */
export function isEmoji(value: string): boolean {
  if (value.length === 0 || value.length > LIMITS.emojiMaxUnits) return false;
  if (!EMOJI_CHAR.test(value)) return false;
  const splitter = graphemeSegmenter();
  if (!splitter) return true;
  let graphemes = 0;
  for (const _ of splitter.segment(value)) if (++graphemes > 1) return false;
  return true;
}

/**
 * One spelling per emoji, so that 👍 and 👍️ (the same emoji with a variation selector, as some
 * pickers send it) are one reaction: the selector U+FE0F is dropped after a character that
 * shows as an emoji by default, and added after one that shows as text by default (❤ -> ❤️),
 * unless a skin tone follows it.
 */
export function canonicalEmoji(value: string): string {
  return value
    .replace(/(\p{Emoji_Presentation})\uFE0F/gu, '$1')
    .replace(/\p{Extended_Pictographic}(?![\uFE0F\u{1F3FB}-\u{1F3FF}])/gu, (char) =>
      /\p{Emoji_Presentation}/u.test(char) ? char : `${char}\uFE0F`,
    );
}

/** Whether a message names the member: `@username` (resolved at send) or `@room`. */
export function mentionsUser(
  message: { mentions?: readonly string[] | undefined; mentionsRoom?: true | undefined },
  userId: string,
): boolean {
  return message.mentionsRoom === true || (message.mentions?.includes(userId) ?? false);
}

/**
 * Whether a member at `level` is notified of a message: 'all' of every one, 'mentions' only of
 * those that name them (so a mention reaches a muted room), 'none' of nothing. The server's Web
 * Push and webhooks and the web app's desktop notifications all decide with this.
 */
export function notifiesAt(level: 'all' | 'mentions' | 'none', mentioned: boolean): boolean {
  return level === 'all' || (level === 'mentions' && mentioned);
}

/** Who a message names: `@username`s (lower case, in order, unique) and whether `@room` was used. */
export interface ParsedMentions {
  usernames: string[];
  room: boolean;
}

// A name runs over letters, digits, marks and _ (so `@bobé` is not `@bob`); it is a username only
// if what it lower-cases to passes the Username rules.
const MENTION_TOKEN = /@([\p{L}\p{M}\p{N}_]+)/gu;
const NAME_CHAR = /[\p{L}\p{M}\p{N}_@]/u;
const USERNAME = /^[a-z0-9_]+$/;
// CommonMark fences: up to three spaces, then 3+ backticks or tildes; closed by a fence of the
// same character at least as long, or by the end of the text.
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** The text outside fenced code blocks, one piece per run of lines between fences. */
function outsideFences(body: string): string[] {
  const pieces: string[] = [];
  let current: string[] = [];
  let open: string | undefined;
  for (const line of body.split('\n')) {
    const fence = FENCE.exec(line)?.[1];
    if (open === undefined) {
      if (fence) {
        open = fence;
        pieces.push(current.join('\n'));
        current = [];
      } else current.push(line);
    } else if (
      fence &&
      fence[0] === open[0] &&
      fence.length >= open.length &&
      line.trim() === fence
    ) {
      open = undefined;
    }
  }
  pieces.push(current.join('\n'));
  return pieces;
}

/**
 * A paragraph with its inline code spans blanked out: a run of n backticks opens a span that the
 * next run of exactly n closes; with no such run, the backticks are plain text (CommonMark).
 */
function withoutCodeSpans(paragraph: string): string {
  let out = '';
  let i = 0;
  while (i < paragraph.length) {
    if (paragraph[i] !== '`') {
      out += paragraph[i];
      i += 1;
      continue;
    }
    let n = 0;
    while (paragraph[i + n] === '`') n += 1;
    const run = '`'.repeat(n);
    let close = paragraph.indexOf(run, i + n);
    // A longer run is not a closer: look further.
    while (close !== -1 && paragraph[close + n] === '`') {
      let end = close;
      while (paragraph[end] === '`') end += 1;
      close = paragraph.indexOf(run, end);
    }
    if (close === -1) {
      out += run;
      i += n;
    } else {
      out += ' '; // the span reads as punctuation around it, as a rendered one does
      i = close + n;
    }
  }
  return out;
}

/**
 * The mentions in a message body, as the server resolves them and the web app highlights them:
 * `@name` where name passes the Username rules (compared in lower case), preceded by the start or
 * by a character that is not a letter, digit, `_` or `@` (so `ann@example.com` names nobody), and
 * not inside inline code or a fenced code block. `@room` sets `room` and is not a username. At
 * most LIMITS.mentionsPerMessageMax usernames, unique, in the order they first appear.
 */
export function parseMentions(body: string): ParsedMentions {
  const usernames: string[] = [];
  let room = false;
  if (!body.includes('@')) return { usernames, room };
  for (const piece of outsideFences(body)) {
    // A code span cannot run across a blank line (the end of a paragraph).
    for (const paragraph of piece.split(/\n[ \t]*\n/)) {
      const text = withoutCodeSpans(paragraph);
      for (const match of text.matchAll(MENTION_TOKEN)) {
        // The whole code point before the @ (a letter outside the BMP is two code units).
        const before = Array.from(text.slice(Math.max(0, match.index - 2), match.index)).pop();
        if (before !== undefined && NAME_CHAR.test(before)) continue;
        const name = (match[1] ?? '').toLowerCase();
        if (name === 'room') {
          room = true;
          continue;
        }
        if (
          name.length < LIMITS.usernameMinChars ||
          name.length > LIMITS.usernameMaxChars ||
          !USERNAME.test(name) ||
          usernames.includes(name) ||
          usernames.length >= LIMITS.mentionsPerMessageMax
        )
          continue;
        usernames.push(name);
      }
    }
  }
  return { usernames, room };
}
