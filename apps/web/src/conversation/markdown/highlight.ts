// Loaded on demand (CodeBlock imports it dynamically): highlight.js's common grammars are large,
// and the first screen never needs them.
import { common, createLowlight } from 'lowlight';
import { createElement, type ReactNode } from 'react';

const lowlight = createLowlight(common);

// The few node shapes lowlight produces (a root of spans with classes, and text).
interface TextNode {
  type: 'text';
  value: string;
}
interface ElementNode {
  type: 'element';
  properties: { className?: unknown };
  children: readonly HighlightNode[];
}
type HighlightNode = TextNode | ElementNode | { type: 'comment' | 'doctype' };

/** lowlight's tree as React elements: spans with hljs-* classes around text, nothing else. */
function toReact(nodes: readonly HighlightNode[]): ReactNode[] {
  return nodes.map((node, i) => {
    if (node.type === 'text') return node.value;
    if (node.type !== 'element') return null;
    const { className } = node.properties;
    const classes = Array.isArray(className) ? className.join(' ') : undefined;
    return createElement('span', { key: i, className: classes }, ...toReact(node.children));
  });
}

/**
 * The code as highlighted React nodes, or null when the language is not one highlight.js
 * knows (the block then stays plain: guessing a language for prose or logs colours it oddly).
 */
export function highlight(code: string, language: string): ReactNode[] | null {
  if (!lowlight.registered(language)) return null;
  const tree = lowlight.highlight(language, code);
  return toReact(tree.children as readonly HighlightNode[]);
}
