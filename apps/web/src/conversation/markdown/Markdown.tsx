// The markdown renderer, loaded on demand by MessageText (see there). react-markdown builds React
// elements from the syntax tree: nothing is ever parsed as HTML, and raw HTML in a message comes
// out as its text.
import { Children, type ReactElement, type ReactNode, useMemo } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkBreaks from 'remark-breaks';
import remarkGfm from 'remark-gfm';
import { CodeBlock } from './CodeBlock';
import { safeHref } from './links';
import { MentionSpan, type MentionStyle } from './MentionSpan';
import { splitMentions } from './mentions';

/** What a message can show. Anything else (footnotes, …) is replaced by its content. */
const ALLOWED = [
  'p',
  'br',
  'strong',
  'em',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'img',
  'hr',
  'input',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
];

/** Text children with their `@name`s as mention spans; elements (code, links) as they are. */
function withMentions(children: ReactNode, style: MentionStyle): ReactNode {
  return Children.map(children, (child) => {
    if (typeof child !== 'string') return child;
    const parts = splitMentions(child, style.known);
    if (parts.length === 1 && parts[0]?.kind === 'text') return child;
    return parts.map((part, i) =>
      part.kind === 'mention' ? (
        <MentionSpan key={i} part={part} me={style.isMe(part.name)} />
      ) : (
        part.text
      ),
    );
  });
}

function components(style: MentionStyle): Components {
  // `node` (the syntax tree) is left out of what reaches the DOM.
  const mentioning =
    (render: (children: ReactNode) => ReactElement) =>
    ({ children }: { children?: ReactNode }) =>
      render(withMentions(children, style));
  const heading = ({ children }: { children?: ReactNode }) => (
    // Headings read as a bold line: a chat message should not shout in 2rem type.
    <p>
      <strong>{withMentions(children, style)}</strong>
    </p>
  );
  return {
    p: mentioning((c) => <p>{c}</p>),
    li: mentioning((c) => <li>{c}</li>),
    strong: mentioning((c) => <strong>{c}</strong>),
    em: mentioning((c) => <em>{c}</em>),
    del: mentioning((c) => <del>{c}</del>),
    blockquote: mentioning((c) => <blockquote>{c}</blockquote>),
    td: mentioning((c) => <td>{c}</td>),
    th: mentioning((c) => <th>{c}</th>),
    h1: heading,
    h2: heading,
    h3: heading,
    h4: heading,
    h5: heading,
    h6: heading,
    a: ({ href, children }) => {
      const target = safeHref(href);
      // Not an http(s) or mailto address (javascript:, data:, relative…): the words, inert.
      if (!target) return <span className="inert-link">{children}</span>;
      return (
        <a href={target} target="_blank" rel="noopener noreferrer">
          {children}
        </a>
      );
    },
    // Images are not fetched from wherever a message points (that would tell the sender who
    // read it, and when): the alt text stands in.
    img: ({ alt }) => <>{alt}</>,
    pre: ({ node }) => {
      const code = node?.children.find((c) => c.type === 'element' && c.tagName === 'code');
      if (code?.type !== 'element') return null;
      const classes = code.properties.className;
      const languageClass = Array.isArray(classes)
        ? classes.find((c): c is string => typeof c === 'string' && c.startsWith('language-'))
        : undefined;
      const text = code.children.map((c) => (c.type === 'text' ? c.value : '')).join('');
      return (
        <CodeBlock
          code={text.replace(/\n$/, '')}
          language={languageClass?.slice('language-'.length)}
        />
      );
    },
  };
}

/** A message's markdown as React elements. */
export function Markdown(props: { text: string; mentions: MentionStyle }) {
  const overrides = useMemo(() => components(props.mentions), [props.mentions]);
  return (
    <ReactMarkdown
      remarkPlugins={[remarkGfm, remarkBreaks]}
      allowedElements={ALLOWED}
      unwrapDisallowed
      urlTransform={(url) => safeHref(url) ?? ''}
      components={overrides}
    >
      {props.text}
    </ReactMarkdown>
  );
}
