import type { Plugin } from 'vite';

/** The emoji data set the picker imports (src/conversation/emoji-data.ts). */
const DATA = /emojibase-data[\\/]en[\\/]compact\.json$/;

interface Entry {
  unicode: string;
  label: string;
  group?: number;
  tags?: string[];
}

/**
 * Keeps only what the picker reads from Emojibase's compact data set (each emoji, its name, its
 * group and its keywords), before Vite turns the JSON into a module: skin tone variants, hex codes,
 * orders and emoticons are most of the file and the picker shows none of them. The data stays
 * the data set's own, only narrower, and it still ships inside the picker's lazily loaded chunk.
 */
export function slimEmojiData(): Plugin {
  return {
    name: 'confab-slim-emoji-data',
    enforce: 'pre',
    transform(code, id) {
      if (!DATA.test(id.split('?')[0] ?? '')) return null;
      const entries = JSON.parse(code) as Entry[];
      const slim = entries.map(({ unicode, label, group, tags }) => ({
        unicode,
        label,
        ...(group !== undefined && { group }),
        ...(tags && { tags }),
      }));
      return { code: JSON.stringify(slim), map: null };
    },
  };
}
