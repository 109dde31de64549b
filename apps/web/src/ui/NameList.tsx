import { Fragment } from 'react';
import { listNameParts } from '../lib/format';

/**
 * "Ada, Ben and 3 others" with each name in a <bdi>: a name holding a bidi override or
 * right-to-left letters cannot reorder the commas, the other names or the sentence around it.
 */
export function NameList(props: { names: readonly string[]; max?: number }) {
  // Keyed by position: the list is rebuilt whole each time, so a position is its identity.
  return (
    <>
      {listNameParts(props.names, props.max).map((part, i) =>
        'name' in part ? <bdi key={i}>{part.name}</bdi> : <Fragment key={i}>{part.text}</Fragment>,
      )}
    </>
  );
}
