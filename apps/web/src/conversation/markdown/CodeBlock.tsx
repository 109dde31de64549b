import { type ReactNode, useEffect, useState } from 'react';

type Highlighter = typeof import('./highlight').highlight;

// One load for the whole app: the first code block asks for it, the rest wait for the same one.
let loading: Promise<Highlighter> | null = null;
const loadHighlighter = () => {
  loading ??= import('./highlight').then(
    (m) => m.highlight,
    (error: unknown) => {
      loading = null; // a later block tries again (the chunk may load once back online)
      throw error;
    },
  );
  return loading;
};

/**
 * A fenced code block. It shows as plain text at once and is coloured when the highlighter has
 * loaded; a block without a language (or with one highlight.js does not know) stays plain.
 */
export function CodeBlock(props: { code: string; language: string | undefined }) {
  const { code, language } = props;
  const [highlighted, setHighlighted] = useState<ReactNode[] | null>(null);
  useEffect(() => {
    setHighlighted(null);
    if (!language) return;
    let current = true;
    loadHighlighter().then(
      (highlight) => {
        if (current) setHighlighted(highlight(code, language));
      },
      () => {}, // Offline before the chunk came: the block stays plain, which is still right.
    );
    return () => {
      current = false;
    };
  }, [code, language]);
  return (
    <pre className="code-block" data-language={language}>
      <code className={highlighted ? `hljs language-${language}` : undefined}>
        {highlighted ?? code}
      </code>
    </pre>
  );
}
