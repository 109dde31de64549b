import type { PresenceState, StreamEvent } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { PresenceView } from '../services/presence-view.js';
import { eventJson, snapshotJson } from './snapshot-json.js';
import { LIVE_FORMAT, TRACKED_FORMAT } from './stream-formats.js';

/** Format 3 with the snapshot as lists of ids, as the SDK asks for it. */
const FLAT_IDS = LIVE_FORMAT.accept({
  cursors: {},
  resume: false,
  format: 3,
  snapshot: 'ids',
}).format;

/** States as the view hands them out: one shared, frozen object per user and status. */
function viewStates(): PresenceState[] {
  const view = new PresenceView();
  const people: [string, 'online' | 'away'][] = [
    ['u1', 'online'],
    ['u"2\\', 'away'],
    ['u3\u2028é', 'online'],
  ];
  people.forEach(([userId, status], i) => {
    view.apply({ userId, status, version: i + 1, at: 1_700_000_000_000 });
  });
  return people.flatMap(([userId]) => {
    const state = view.presentState(userId);
    return state ? [state] : [];
  });
}

describe('presence snapshot JSON', () => {
  it('is byte for byte what JSON.stringify writes, the first time and from the cached entries', () => {
    const states = viewStates();
    expect(states).toHaveLength(3);
    expect(Object.isFrozen(states[0])).toBe(true);
    const snapshot: StreamEvent = { type: 'presence.snapshot', users: states };
    expect(eventJson(snapshot)).toBe(JSON.stringify(snapshot));
    const again: StreamEvent = { type: 'presence.snapshot', users: [...states].reverse() };
    expect(eventJson(again)).toBe(JSON.stringify(again));
    const empty: StreamEvent = { type: 'presence.snapshot', users: [] };
    expect(eventJson(empty)).toBe(JSON.stringify(empty));
  });

  it('the view hands out the same state until the status moves, then a new one', () => {
    const view = new PresenceView();
    view.apply({ userId: 'u1', status: 'online', version: 1, at: 1 });
    const online = view.presentState('u1');
    expect(view.presentState('u1')).toBe(online);
    view.apply({ userId: 'u1', status: 'away', version: 2, at: 2 });
    expect(view.presentState('u1')).toEqual({ userId: 'u1', status: 'away', lastSeenAt: null });
    expect(view.presentState('u1')).not.toBe(online);
    view.apply({ userId: 'u1', status: 'offline', version: 3, at: 3 });
    expect(view.presentState('u1')).toBeUndefined();
  });

  it('encodes states it cannot cache (not frozen) and other events with JSON.stringify', () => {
    const state: PresenceState = { userId: 'u9', status: 'online', lastSeenAt: null };
    const snapshot: StreamEvent = { type: 'presence.snapshot', users: [state] };
    expect(eventJson(snapshot)).toBe(JSON.stringify(snapshot));
    state.status = 'away';
    expect(eventJson(snapshot)).toBe(JSON.stringify(snapshot));
    const sync: StreamEvent = { type: 'sync', cursors: { r1: 4 } };
    expect(eventJson(sync)).toBe(JSON.stringify(sync));
  });

  it('is what both stream formats carry for a device, over WebSocket and SSE', () => {
    const snapshot: StreamEvent = { type: 'presence.snapshot', users: viewStates() };
    const json = JSON.stringify(snapshot);
    const live = LIVE_FORMAT.ownWsJson(snapshot, '{"id":7,');
    expect(live).toBe(`{"id":7,"result":{"data":${json}}}`);
    expect(LIVE_FORMAT.ownSse(snapshot)).toBe(`data: ${json}\n\n\n`);
    const tracked = JSON.parse(TRACKED_FORMAT.ownWsJson(snapshot, '{"id":7,')) as {
      result: { data: { data: unknown } };
    };
    expect(tracked.result.data.data).toEqual(snapshot);
    expect(TRACKED_FORMAT.ownWsJson(snapshot, '{"id":7,')).toContain(`"data":${json}}`);
  });

  it('encodes a frozen list once per way it is written, and an unfrozen one each time', () => {
    const users = Object.freeze(viewStates());
    let made = 0;
    const encode = () => {
      made += 1;
      return `json ${made}`;
    };
    expect(snapshotJson(users, 'a', encode)).toBe('json 1');
    expect(snapshotJson(users, 'a', encode)).toBe('json 1');
    expect(snapshotJson(users, 'b', encode)).toBe('json 2');
    const open = viewStates();
    expect(snapshotJson(open, 'a', encode)).toBe('json 3');
    expect(snapshotJson(open, 'a', encode)).toBe('json 4');
  });

  it('writes a shared (frozen) snapshot in every format as it writes an unshared one', () => {
    // A tracked frame's id (format 1, in the WebSocket result and the SSE `id:` line) ends with
    // a resume position made of the clock at that moment: two frames a millisecond apart differ
    // there, whatever they carry. Everything else must match byte for byte.
    const samePosition = (frame: string) =>
      frame.replace(/(presence\.snapshot~)[^"\n]*/g, '$1<position>');
    const shared = Object.freeze(viewStates());
    const of = (users: PresenceState[]): StreamEvent => ({ type: 'presence.snapshot', users });
    for (const format of [LIVE_FORMAT, TRACKED_FORMAT, FLAT_IDS]) {
      const expected = samePosition(format.ownWsJson(of(viewStates()), '{"id":3,'));
      // Twice: the second comes from what the first kept.
      for (let i = 0; i < 2; i++) {
        const frame = format.ownWsJson(of(shared as PresenceState[]), '{"id":3,');
        expect(samePosition(frame)).toBe(expected);
      }
      expect(samePosition(format.ownSse(of(shared as PresenceState[])))).toBe(
        samePosition(format.ownSse(of(viewStates()))),
      );
    }
    const ids = { type: 'presence.snapshot', online: ['u1', 'u3\u2028é'], away: ['u"2\\'] };
    expect(FLAT_IDS.ownWsJson(of(shared as PresenceState[]), '{"id":3,')).toContain(
      JSON.stringify(ids),
    );
  });
});
