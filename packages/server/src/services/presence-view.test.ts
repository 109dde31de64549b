import { describe, expect, it } from 'vitest';
import type { PresenceChange } from '../ports/presence-directory.js';
import { PresenceView } from './presence-view.js';

const change = (
  userId: string,
  status: PresenceChange['status'],
  version: number,
  at = 0,
): PresenceChange => ({ userId, status, version, at });

describe('presence view', () => {
  it('keeps the newest version of a user, whatever order changes arrive in', () => {
    const view = new PresenceView();
    expect(view.apply(change('ann', 'online', 5))).toBe(true);
    // Announced by two nodes, heard the other way round: the older one is stale.
    expect(view.apply(change('ann', 'offline', 9, 900))).toBe(true);
    expect(view.apply(change('ann', 'away', 7))).toBe(false);
    expect(view.statusOf('ann')).toBe('offline');
    expect(view.lastSeenOf('ann')).toBe(900);
    // The same change heard again (announced and also received back) tells nobody twice.
    expect(view.apply(change('ann', 'offline', 9, 900))).toBe(false);
  });

  it('a newer change with the same status moves the version but is not news', () => {
    const view = new PresenceView();
    view.apply(change('bob', 'online', 1));
    expect(view.apply(change('bob', 'online', 4))).toBe(false);
    expect(view.apply(change('bob', 'away', 3))).toBe(false);
    expect(view.statusOf('bob')).toBe('online');
  });

  it('a rebuild returns what this node missed and makes older changes stale for everyone', () => {
    const view = new PresenceView();
    view.apply(change('cy', 'online', 1));
    view.apply(change('di', 'online', 2));
    view.apply(change('ed', 'away', 30)); // newer than the reading: kept
    const missed = view.rebuild(
      {
        version: 20,
        present: new Map([
          ['di', 'online'],
          ['fay', 'away'],
        ]),
      },
      500,
    );
    expect(missed).toEqual([change('cy', 'offline', 20, 500), change('fay', 'away', 20, 500)]);
    expect(['cy', 'di', 'ed', 'fay'].map((id) => view.statusOf(id))).toEqual([
      'offline',
      'online',
      'away',
      'away',
    ]);
    expect(view.lastSeenOf('cy')).toBe(500);
    // An announcement older than the reading, arriving late, even for a user never listed.
    expect(view.apply(change('gus', 'online', 19))).toBe(false);
    expect(view.statusOf('gus')).toBe('offline');
    expect(view.apply(change('gus', 'online', 21))).toBe(true);
  });
});
