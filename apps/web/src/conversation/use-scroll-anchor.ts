import type { ChatMessage } from '@confab/react';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';

/** This close to the bottom (px) still counts as following the conversation. */
const FOLLOW_THRESHOLD_PX = 64;
/** Older messages are asked for when the reader comes this close to the top (px). */
const LOAD_OLDER_THRESHOLD_PX = 600;

/**
 * The conversation's scrolling: it starts at the newest message and follows new ones while the
 * reader is at the bottom; scrolled up, new messages are counted instead (for a "new messages"
 * pill) and the view stays put. Older pages load near the top, and the reader's place is kept
 * when they are added above: the first message in view is put back where it was on screen
 * (its bubble, since the row above it may change: a run of one author's messages regroups).
 */
export function useScrollAnchor(props: {
  messages: readonly ChatMessage[];
  loaded: boolean;
  canLoadOlder: boolean;
  onLoadOlder: () => void;
}) {
  const { messages, loaded, canLoadOlder, onLoadOlder } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  const [unseen, setUnseen] = useState(0);
  const followingRef = useRef(true);
  /** The first message in view, and where its bubble was (px below the log's top edge). */
  const anchor = useRef<{ key: string; top: number } | null>(null);
  const edges = useRef<{ first?: string; last?: string } | null>(null);
  const latest = useRef({ canLoadOlder, onLoadOlder });
  latest.current = { canLoadOlder, onLoadOlder };

  const measure = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    anchor.current = findAnchor(el);
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < FOLLOW_THRESHOLD_PX;
    followingRef.current = atBottom;
    setFollowing(atBottom);
    if (atBottom) setUnseen(0);
    if (el.scrollTop < LOAD_OLDER_THRESHOLD_PX && latest.current.canLoadOlder)
      latest.current.onLoadOlder();
  }, []);

  const toBottom = useCallback(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !loaded) return;
    const first = messages[0]?.key;
    const last = messages.at(-1)?.key;
    const before = edges.current;
    edges.current = { first, last };
    if (before === null) {
      toBottom();
    } else if (before.first !== undefined && first !== before.first) {
      // Older messages came in above: keep what the reader was looking at where it was.
      const kept = anchor.current;
      const top = kept && topOf(el, kept.key);
      if (kept && top !== null) el.scrollTop += top - kept.top;
    }
    if (before !== null && last !== before.last) {
      const newest = messages.at(-1);
      const sentByMe = newest?.status !== 'sent';
      if (followingRef.current || sentByMe) toBottom();
      else {
        const index = messages.findIndex((m) => m.key === before.last);
        setUnseen((n) => n + (index >= 0 ? messages.length - 1 - index : 1));
      }
    } else if (followingRef.current) {
      toBottom(); // A row at the bottom changed height (confirmed, edited): stay at the bottom.
    }
    measure();
  }, [messages, loaded, measure, toBottom]);

  // The pane resized (window, composer growing): stay at the bottom if following.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      if (followingRef.current) toBottom();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [toBottom]);

  const jumpToBottom = useCallback(() => {
    ref.current?.scrollTo({ top: ref.current.scrollHeight, behavior: 'smooth' });
  }, []);

  return { ref, onScroll: measure, following, unseen, jumpToBottom };
}

/** Where a message's bubble is, in px below the log's top edge (null when not rendered). */
function topOf(log: HTMLElement, key: string): number | null {
  const row = log.querySelector(`[data-key="${CSS.escape(key)}"]`);
  const target = row?.querySelector('.bubble') ?? row;
  return target ? target.getBoundingClientRect().top - log.getBoundingClientRect().top : null;
}

/** The first message whose row reaches into the log's viewport. */
function findAnchor(log: HTMLElement): { key: string; top: number } | null {
  const edge = log.getBoundingClientRect().top;
  for (const row of log.querySelectorAll<HTMLElement>('[data-key]')) {
    if (row.getBoundingClientRect().bottom <= edge) continue;
    const key = row.dataset.key;
    const top = key === undefined ? null : topOf(log, key);
    return key === undefined || top === null ? null : { key, top };
  }
  return null;
}
