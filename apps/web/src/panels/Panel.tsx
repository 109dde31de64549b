import { type ReactNode, useEffect, useId, useRef } from 'react';
import { Icon } from '../ui/Icon';

/** A page of the main pane: a heading that takes focus on arrival, and a way back (on phones). */
export function Panel(props: { title: string; onBack: () => void; children: ReactNode }) {
  const titleId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="panel" aria-labelledby={titleId}>
      <header className="panel-header">
        <button type="button" className="icon-button back" aria-label="Back" onClick={props.onBack}>
          <Icon name="back" />
        </button>
        <h2 id={titleId} ref={heading} tabIndex={-1}>
          {props.title}
        </h2>
      </header>
      <div className="panel-body">{props.children}</div>
    </section>
  );
}
