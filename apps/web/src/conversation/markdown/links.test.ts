import { describe, expect, it } from 'vitest';
import { safeHref } from './links';

describe('safeHref', () => {
  it('keeps absolute http(s) and mailto addresses, normalised', () => {
    expect(safeHref('https://example.com/docs')).toBe('https://example.com/docs');
    expect(safeHref('HTTP://Example.COM')).toBe('http://example.com/');
    expect(safeHref('mailto:ann@example.com')).toBe('mailto:ann@example.com');
  });

  it('refuses what runs, embeds or is relative', () => {
    for (const bad of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      '/relative',
      '#/rooms/x',
      '',
      undefined,
    ])
      expect(safeHref(bad)).toBeNull();
  });
});
