import { canonicalEmoji, isEmoji } from '@confab/contracts';
// Bundled into the picker's own chunk (only the picker imports this module, and it is loaded on
// demand): the data comes from our origin, never from a CDN, and the first screen stays as small.
import compact from 'emojibase-data/en/compact.json';
import messages from 'emojibase-data/en/messages.json';

/** One emoji as the picker shows it. */
export interface PickerEmoji {
  emoji: string;
  /** Its CLDR name ("thumbs up"): the button's accessible name. */
  label: string;
  /** What search matches: the name and the keywords, lower case. */
  terms: string;
}

export interface EmojiGroup {
  name: string;
  emojis: PickerEmoji[];
}

interface CompactEntry {
  unicode: string;
  label: string;
  group?: number;
  order?: number;
  tags?: string[];
}

/** Emojibase's group of skin tone and hair components: parts of emoji, not reactions. */
const COMPONENT_GROUP = 2;

function build(): EmojiGroup[] {
  const names = new Map(messages.groups.map((g) => [g.order, g.message]));
  const groups = new Map<number, PickerEmoji[]>();
  for (const entry of compact as CompactEntry[]) {
    // Entries without a group (lone regional indicators) are not emoji on their own.
    if (entry.group === undefined || entry.group === COMPONENT_GROUP) continue;
    // What the server would refuse as a reaction is not offered.
    if (!isEmoji(entry.unicode)) continue;
    const list = groups.get(entry.group) ?? [];
    list.push({
      // The server's spelling: a chip and the picker's button for one emoji are the same text.
      emoji: canonicalEmoji(entry.unicode),
      label: entry.label,
      terms: [entry.label, ...(entry.tags ?? [])].join(' ').toLowerCase(),
    });
    groups.set(entry.group, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([order, emojis]) => ({ name: names.get(order) ?? 'other', emojis }));
}

export const EMOJI_GROUPS: readonly EmojiGroup[] = build();

/**
 * Emoji whose name or keywords contain every word of the query: those whose name starts with it
 * first, then those whose name has it, then keyword matches, each in the data set's order.
 */
export function searchEmoji(query: string, limit = 120): PickerEmoji[] {
  const text = query.trim().toLowerCase();
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const ranked: PickerEmoji[][] = [[], [], []];
  for (const group of EMOJI_GROUPS) {
    for (const emoji of group.emojis) {
      if (!words.every((w) => emoji.terms.includes(w))) continue;
      const label = emoji.label.toLowerCase();
      const rank = label.startsWith(text) ? 0 : words.every((w) => label.includes(w)) ? 1 : 2;
      ranked[rank]?.push(emoji);
    }
  }
  return ranked.flat().slice(0, limit);
}
