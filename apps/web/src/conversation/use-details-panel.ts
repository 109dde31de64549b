import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * The members panel's open state, with the keyboard behaviour of a disclosure: Escape closes it
 * while focus is in the panel, on its opener, or nowhere in particular, and closing it (Escape or
 * its Close button, which disappears with it) returns focus to the opener instead of the page.
 */
export function useDetailsPanel(panelId: string) {
  const [open, setOpen] = useState(false);
  const openerRef = useRef<HTMLButtonElement>(null);

  const close = useCallback(() => {
    setOpen(false);
    openerRef.current?.focus();
  }, []);
  const toggle = useCallback(() => setOpen((shown) => !shown), []);

  useEffect(() => {
    if (!open) return;
    const onKeyDown = (event: KeyboardEvent) => {
      // A control that used Escape itself (the message editor, a menu) said so.
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      const focused = document.activeElement;
      const panel = document.getElementById(panelId);
      const mine =
        focused === null ||
        focused === document.body ||
        focused === openerRef.current ||
        (panel?.contains(focused) ?? false);
      if (!mine) return;
      event.preventDefault();
      close();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [open, close, panelId]);

  /** `setOpen` opens or closes it without moving focus (another panel took its place). */
  return { open, setOpen, toggle, close, openerRef };
}
