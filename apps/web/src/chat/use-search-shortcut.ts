import { useEffect } from 'react';

/** The id of the search page's query box. */
export const SEARCH_BOX_ID = 'message-search-box';

/**
 * Ctrl+K (⌘K on a Mac) opens message search from anywhere in the app. Browsers give Ctrl+K to
 * their own search bar, so the default is prevented.
 */
export function useSearchShortcut(open: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() !== 'k' || e.altKey || e.shiftKey) return;
      if (!(e.ctrlKey || e.metaKey)) return;
      e.preventDefault();
      // Already on the search page: back to its box rather than a navigation that changes nothing.
      const box = document.getElementById(SEARCH_BOX_ID);
      if (box) box.focus();
      else open();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
}
