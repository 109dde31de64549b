import type { ChatMessage } from '@confab/react';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';

/** This close to the bottom (px) still counts as following the conversation. */
const FOLLOW_THRESHOLD_PX = 64;
/** Older messages are asked for when the reader comes this close to the top (px). */
const LOAD_OLDER_THRESHOLD_PX = 600;
/** Newer messages (a window away from the live end) are asked for this close to the bottom. */
const LOAD_NEWER_THRESHOLD_PX = 600;
/** Opening at the first unread, the divider sits this far below the top (px): some context. */
const UNREAD_MARGIN_PX = 48;

/** Where the view is put when a conversation (or a jump) has loaded. */
export type Landing = { kind: 'bottom' } | { kind: 'unread' } | { kind: 'message'; id: string };

/**
 * The conversation's scrolling: it starts at `landing` (the newest message, the unread divider, or
 * a linked message, centred) and follows new ones while the reader is at the bottom of the live
 * end; in a window into history (`atLiveEnd` false) newer pages load near the bottom instead; scrolled up, new messages are counted instead (for a "new messages"
 * pill) and the view stays put. Older pages load near the top, and the reader's place is kept
 * when they are added above: the first message in view is put back where it was on screen
 * (its bubble, since the row above it may change: a run of one author's messages regroups).
 */
export function useScrollAnchor(props: {
  messages: readonly ChatMessage[];
  /** Rows between the messages (notices): one added at the bottom is followed like a message. */
  notices?: readonly unknown[];
  loaded: boolean;
  canLoadOlder: boolean;
  onLoadOlder: () => void;
  /** @default { kind: 'bottom' } */
  landing?: Landing;
  /** @default true */
  atLiveEnd?: boolean;
  canLoadNewer?: boolean;
  onLoadNewer?: () => void;
}) {
  const { messages, notices, loaded, canLoadOlder, onLoadOlder } = props;
  const atLiveEnd = props.atLiveEnd ?? true;
  const ref = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  const [unseen, setUnseen] = useState(0);
  const followingRef = useRef(true);
  /** The first message in view, and where its bubble was (px below the log's top edge). */
  const anchor = useRef<{ key: string; top: number } | null>(null);
  const edges = useRef<{ first?: string; last?: string } | null>(null);
  /** Whether the view was at the live end when the layout effect last ran. */
  const wasAtLiveEnd = useRef(true);
  const latest = useRef({
    canLoadOlder,
    onLoadOlder,
    atLiveEnd,
    canLoadNewer: props.canLoadNewer ?? false,
    onLoadNewer: props.onLoadNewer,
    landing: props.landing ?? BOTTOM,
  });
  latest.current = {
    canLoadOlder,
    onLoadOlder,
    atLiveEnd,
    canLoadNewer: props.canLoadNewer ?? false,
    onLoadNewer: props.onLoadNewer,
    landing: props.landing ?? BOTTOM,
  };

  const measure = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    anchor.current = findAnchor(el);
    const below = el.scrollHeight - el.scrollTop - el.clientHeight;
    // The bottom of a window into history is not the conversation's end: nothing to follow.
    const atBottom = below < FOLLOW_THRESHOLD_PX && latest.current.atLiveEnd;
    followingRef.current = atBottom;
    setFollowing(atBottom);
    if (atBottom) setUnseen(0);
    if (el.scrollTop < LOAD_OLDER_THRESHOLD_PX && latest.current.canLoadOlder)
      latest.current.onLoadOlder();
    if (below < LOAD_NEWER_THRESHOLD_PX && latest.current.canLoadNewer)
      latest.current.onLoadNewer?.();
  }, []);

  const toBottom = useCallback(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (!loaded) {
      // Loading again (a jump): land afresh once it is in.
      edges.current = null;
      return;
    }
    const first = messages[0]?.key;
    const last = messages.at(-1)?.key;
    const before = edges.current;
    edges.current = { first, last };
    const liveBefore = wasAtLiveEnd.current;
    wasAtLiveEnd.current = atLiveEnd;
    if (before === null) {
      land(el, latest.current.landing);
    } else {
      if (before.first !== undefined && first !== before.first) {
        // Older messages came in above: keep what the reader was looking at where it was.
        const kept = anchor.current;
        const top = kept && topOf(el, kept.key);
        if (kept && top !== null) el.scrollTop += top - kept.top;
      }
      if (last !== before.last) {
        const newest = messages.at(-1);
        const sentByMe = newest?.status !== 'sent';
        // Below a window, a newer page came in (not news): the view stays where it is.
        if (liveBefore && (followingRef.current || sentByMe)) toBottom();
        else if (liveBefore) {
          const index = messages.findIndex((m) => m.key === before.last);
          setUnseen((n) => n + (index >= 0 ? messages.length - 1 - index : 1));
        }
      } else if (followingRef.current) {
        // A row at the bottom changed height (confirmed, edited), or a notice came in below the
        // last message: stay at the bottom.
        toBottom();
      }
    }
    measure();
    // `notices` is a dependency on purpose: a new notice row is followed like a new message.
  }, [messages, notices, loaded, atLiveEnd, measure, toBottom]);

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

  /** Puts the view at `to` again (e.g. "Jump to first unread" when the divider is loaded). */
  const landAt = useCallback((to: Landing) => {
    const el = ref.current;
    if (el) land(el, to);
  }, []);

  return { ref, onScroll: measure, following, unseen, jumpToBottom, landAt };
}

const BOTTOM: Landing = { kind: 'bottom' };

/** Scrolls the log to `to`; to the bottom when it is not rendered (e.g. no unread after all). */
function land(log: HTMLElement, to: Landing): void {
  const target =
    to.kind === 'unread'
      ? log.querySelector('[data-testid="unread-divider"]')
      : to.kind === 'message'
        ? log.querySelector(`[data-message-id="${CSS.escape(to.id)}"]`)
        : null;
  if (!target) {
    log.scrollTop = log.scrollHeight;
    return;
  }
  const box = target.getBoundingClientRect();
  const offset = box.top - log.getBoundingClientRect().top + log.scrollTop;
  log.scrollTop =
    to.kind === 'unread' ? offset - UNREAD_MARGIN_PX : offset - (log.clientHeight - box.height) / 2;
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
