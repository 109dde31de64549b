import { useMemo } from 'react';
import { linkify } from '../lib/linkify';

/**
 * A message's text as React text nodes, with http(s) addresses as links that open in a new tab
 * without giving it a handle on this one. Nothing is ever interpreted as HTML.
 */
export function MessageText({ text }: { text: string }) {
  const parts = useMemo(() => linkify(text), [text]);
  return (
    <>
      {parts.map((part, i) =>
        part.kind === 'link' ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}
