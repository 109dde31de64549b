import { useMemo, useSyncExternalStore } from 'react';
import { linkify } from '../lib/linkify';
import { MentionSpan, type MentionStyle } from './markdown/MentionSpan';
import { splitMentions } from './markdown/mentions';
import { useRoomPeople } from './mention-context';

type MarkdownModule = typeof import('./markdown/Markdown');

// The markdown renderer is its own chunk, asked for as soon as this module runs (so it loads
// alongside the first history page) but kept out of the first screen's script. Until it is in,
// a message shows as plain text, which is also what most messages are.
let markdown: MarkdownModule | null = null;
const waiting = new Set<() => void>();
const load = () =>
  import('./markdown/Markdown').then(
    (module) => {
      markdown = module;
      for (const notify of waiting) notify();
    },
    () => setTimeout(load, 5_000), // offline at start: plain text until the chunk comes
  );
void load();
const subscribe = (notify: () => void) => {
  waiting.add(notify);
  return () => waiting.delete(notify);
};
const loaded = () => markdown;

/**
 * Characters that can make markdown of a text (emphasis, code, links, quotes, lists, headings,
 * tables, escapes, entities, raw HTML, www. autolinks). A text with none of them renders the
 * same either way, so it takes the plain path.
 */
const MARKDOWN_HINT = /[*_~`>[\]|\\<&]|www\.|^\s*(?:[-+]\s|\d+[.)]\s|#{1,6}\s|={2,}|-{2,})/m;

/** Plain text: http(s) addresses as links, `@name`s of members as mentions. */
function PlainText({ text, mentions }: { text: string; mentions: MentionStyle }) {
  const parts = useMemo(() => linkify(text), [text]);
  return (
    <>
      {parts.map((part, i) =>
        part.kind === 'link' ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          <span key={i}>
            {splitMentions(part.text, mentions.known).map((piece, j) =>
              piece.kind === 'mention' ? (
                <MentionSpan key={j} part={piece} me={mentions.isMe(piece.name)} />
              ) : (
                piece.text
              ),
            )}
          </span>
        ),
      )}
    </>
  );
}

/**
 * A message's text as React elements: markdown (bold, italic, strike, code, quotes, lists, links)
 * with `@mentions` highlighted. Nothing is ever interpreted as HTML: markup shows as text, and
 * links go only to http(s) and mailto addresses, in a new tab without a handle on this one.
 */
export function MessageText({ text }: { text: string }) {
  const module = useSyncExternalStore(subscribe, loaded);
  const { usernames, myUsername } = useRoomPeople();
  const mentions = useMemo<MentionStyle>(
    () => ({
      known: (name) => name === 'room' || usernames.has(name),
      isMe: (name) => name === 'room' || name === myUsername,
    }),
    [usernames, myUsername],
  );
  if (module && MARKDOWN_HINT.test(text)) {
    return (
      <div className="markdown">
        <module.Markdown text={text} mentions={mentions} />
      </div>
    );
  }
  return <PlainText text={text} mentions={mentions} />;
}
