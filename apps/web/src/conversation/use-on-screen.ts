import { type RefObject, useEffect, useRef, useState } from 'react';

export interface OnScreen {
  /** The highest seq among the message rows in view (0: none). */
  maxSeq: number;
  /** The "new messages" divider is in view. */
  dividerInView: boolean;
}

const NOTHING: OnScreen = { maxSeq: 0, dividerInView: false };
const WATCHED = '[data-seq], [data-testid="unread-divider"]';

/**
 * What the reader actually has in view in the log, from an IntersectionObserver on its rows: a
 * message counts once at least half of it is in view (or, taller than the log, once it fills half
 * of it). `rowsChanged` is anything that changes when rows are added (the messages), so new rows
 * are observed as they render.
 */
export function useOnScreen(logRef: RefObject<HTMLElement | null>, rowsChanged: unknown): OnScreen {
  const [state, setState] = useState<OnScreen>(NOTHING);
  const observer = useRef<IntersectionObserver | null>(null);

  useEffect(() => {
    const log = logRef.current;
    if (!log) return;
    const inView = new Set<Element>();
    const watcher = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const tall = entry.rootBounds !== null && entry.rootBounds.height > 0;
          const enough =
            entry.isIntersecting &&
            (entry.intersectionRatio >= 0.5 ||
              (tall && entry.intersectionRect.height >= (entry.rootBounds?.height ?? 0) / 2));
          if (enough) inView.add(entry.target);
          else inView.delete(entry.target);
        }
        let maxSeq = 0;
        let dividerInView = false;
        for (const el of inView) {
          // A row React removed (e.g. the divider after "Mark all as read") is out of view.
          if (!el.isConnected) {
            inView.delete(el);
            watcher.unobserve(el);
          } else if (el.getAttribute('data-testid') === 'unread-divider') dividerInView = true;
          else maxSeq = Math.max(maxSeq, Number(el.getAttribute('data-seq')) || 0);
        }
        setState((prev) =>
          prev.maxSeq === maxSeq && prev.dividerInView === dividerInView
            ? prev
            : { maxSeq, dividerInView },
        );
      },
      { root: log, threshold: [0, 0.5, 1] },
    );
    observer.current = watcher;
    return () => {
      watcher.disconnect();
      observer.current = null;
    };
  }, [logRef]);

  // `rowsChanged` is the trigger: new rows to observe.
  useEffect(() => {
    const log = logRef.current;
    const watcher = observer.current;
    if (!log || !watcher) return;
    // Observing a row twice is a no-op; rows React replaced are new elements to observe.
    for (const el of log.querySelectorAll(WATCHED)) watcher.observe(el);
  }, [logRef, rowsChanged]);

  return state;
}
