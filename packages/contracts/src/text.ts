// zod/mini, not zod: the SDK bundles these checks (through SendInputCheck), and zod/mini's
// functions tree-shake where zod's classic chained schemas pull in all of zod (~90 KB gzip).
import { string, superRefine } from 'zod/mini';

// Why these rules: PostgreSQL's text types cannot hold U+0000 (the driver's insert fails, which
// was a 500), while SQLite stores it, so the two engines disagreed. A lone UTF-16 surrogate is
// not Unicode: it is encoded as U+FFFD on the way into either database, so history would differ
// from what the send acknowledged. Refusing both in the contracts makes them a VALIDATION error
// on every engine, and lets the SDK and the web app refuse them before sending.

/** U+0000..U+001F, U+007F..U+009F: what Unicode calls "Cc", control characters. */
function isControl(unit: number): boolean {
  return unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f);
}

/** U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR: line breaks outside the C0 range. */
function isLineBreak(unit: number): boolean {
  return unit === 0x2028 || unit === 0x2029;
}

/** Why a string is not storable text, or undefined when it is. */
export type TextFault = 'nul' | 'lone-surrogate' | 'control';

/**
 * The first reason `value` cannot be stored as it is, scanning UTF-16 code units once: a NUL, a
 * high surrogate not followed by a low one (or a low one not preceded by a high one), and, for
 * single-line text, any other control character or line break.
 */
export function textFault(value: string, singleLine = false): TextFault | undefined {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit === 0) return 'nul';
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1); // NaN past the end
      if (!(next >= 0xdc00 && next <= 0xdfff)) return 'lone-surrogate';
      i++; // a valid pair: one astral character
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return 'lone-surrogate';
    } else if (singleLine && (isControl(unit) || isLineBreak(unit))) {
      return 'control';
    }
  }
  return undefined;
}

function faultMessage(what: string, fault: TextFault): string {
  switch (fault) {
    case 'nul':
      return `${what} must not contain NUL characters`;
    case 'lone-surrogate':
      return `${what} must be valid Unicode text (it has a lone surrogate)`;
    case 'control':
      return `${what} must not contain control characters or line breaks`;
  }
}

/**
 * A zod check for any string Confab stores or echoes: refuses U+0000 and lone surrogates, with
 * a message naming `what`. It aborts the string's later checks, so the refusal says just that.
 * Newlines and tabs are allowed (message bodies keep them); see `singleLineText` for names.
 *
 * @example z.string().trim().check(storableText('Message')).max(4000)
 */
export function storableText(what: string) {
  return textCheck(what, false);
}

/**
 * `storableText`, and no control characters (tab, newline, ESC...) or line breaks either: for
 * names, labels and other one-line fields. Put it after `.trim()`, so that white space around
 * the value (a pasted name with a newline after it) is dropped rather than refused.
 */
export function singleLineText(what: string) {
  return textCheck(what, true);
}

function textCheck(what: string, singleLine: boolean) {
  return superRefine<string>((value, ctx) => {
    const fault = textFault(value, singleLine);
    if (fault !== undefined) {
      ctx.addIssue({ code: 'custom', message: faultMessage(what, fault), continue: false });
    }
  });
}

/**
 * A string as Confab returns it (a body, a name): storable text. For output models, which the
 * server builds from inputs that passed `storableText`; it documents what clients may rely on.
 */
export const StoredText = string().check(storableText('Text'));
