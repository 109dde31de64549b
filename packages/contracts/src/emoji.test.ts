import { describe, expect, it, vi } from 'vitest';
import { canonicalEmoji, Emoji, isEmoji, ReactInput } from './conversation.js';

const parsed = (emoji: string) => Emoji.parse(emoji);

describe('reaction emoji', () => {
  it('spells each emoji one way, with or without the variation selector', () => {
    // An emoji-by-default character: the selector goes.
    expect(parsed('👍\uFE0F')).toBe('👍');
    expect(parsed('👍')).toBe('👍');
    // A text-by-default one: the selector comes.
    expect(parsed('\u2764')).toBe('\u2764\uFE0F');
    expect(parsed('\u2764\uFE0F')).toBe('\u2764\uFE0F');
    // Skin tones, ZWJ sequences, flags and keycaps keep their spelling.
    expect(parsed('👍🏽')).toBe('👍🏽');
    expect(parsed('👩\u200D💻')).toBe('👩\u200D💻');
    expect(parsed('🏳\uFE0F\u200D🌈')).toBe('🏳\uFE0F\u200D🌈');
    expect(parsed('🇫🇷')).toBe('🇫🇷');
    expect(parsed('1\uFE0F\u20E3')).toBe('1\uFE0F\u20E3');
    // Once spelled, spelling again changes nothing.
    for (const e of ['👍', '\u2764\uFE0F', '👍🏽', '🏳\uFE0F\u200D🌈']) {
      expect(canonicalEmoji(canonicalEmoji(e))).toBe(canonicalEmoji(e));
    }
  });

  it('refuses what is not one emoji', () => {
    for (const value of ['', 'a', '👍👍', 'ok👍', ' 👍', '\uFE0F']) {
      expect({ value, ok: isEmoji(value) }).toEqual({ value, ok: false });
    }
    expect(
      ReactInput.safeParse({ roomId: 'r', messageId: 'm', emoji: 'x', on: true }).error?.issues[0]
        ?.message,
    ).toBe('Reaction must be a single emoji');
  });

  it('makes its grapheme segmenter on the first emoji checked, not at import', async () => {
    const Original = Intl.Segmenter;
    let made = 0;
    const replace = (value: typeof Original) =>
      Object.defineProperty(Intl, 'Segmenter', { value, configurable: true, writable: true });
    replace(
      class extends Original {
        constructor(...args: ConstructorParameters<typeof Original>) {
          super(...args);
          made += 1;
        }
      },
    );
    try {
      vi.resetModules();
      const rules = await import('./conversation-rules.js');
      expect(made).toBe(0);
      expect(rules.isEmoji('👍')).toBe(true);
      expect(rules.isEmoji('👍👍')).toBe(false);
      expect(made).toBe(1);
    } finally {
      replace(Original);
    }
  });
});
