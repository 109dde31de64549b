import { afterEach, expect, it } from 'vitest';
import { ResumePoints } from './resume-points.js';
import { parseEventId, streamStart } from './stream.js';

const made: ResumePoints[] = [];
afterEach(() => {
  for (const points of made.splice(0)) points.dispose();
});

/** A registry whose clock the test moves (ms since its start). */
function registry(graceMs = 60_000) {
  const points = new ResumePoints(graceMs);
  made.push(points);
  let clock = 0;
  points.now = () => clock;
  return { points, at: (ms: number) => (clock = ms) };
}

const input = { cursors: { a: 5 }, resume: false };
const id = (points: ResumePoints, head: string, at: number) =>
  `${head}~${points.instance}.${at.toString(36)}`;

it('parses new and old ids: the room event named, and the position when there is one', () => {
  expect(parseEventId('-x_Y:12~abc.1z')).toEqual({
    room: { roomId: '-x_Y', seq: 12 },
    position: { instance: 'abc', at: 71 },
  });
  expect(parseEventId('room1:7')).toEqual({
    room: { roomId: 'room1', seq: 7 },
    position: undefined,
  });
  expect(parseEventId('-presence~abc.0')).toEqual({
    room: undefined,
    position: { instance: 'abc', at: 0 },
  });
});

it('resumes every room from the sync point when the last id came after it', () => {
  const { points, at } = registry();
  const key = streamStart('s1', input, points).resumeKey;
  at(10);
  const point = points.open(key);
  at(20);
  points.synced(point, { a: 7, b: 3, c: 9 });
  at(30);
  points.close(point);
  const start = streamStart(
    's1',
    { ...input, lastEventId: id(points, '-presence.snapshot', 25) },
    points,
  );
  expect(start).toMatchObject({ cursors: { a: 7, b: 3, c: 9 }, resume: true });
  // The room an id names is raised to its seq.
  expect(
    streamStart('s1', { ...input, lastEventId: id(points, 'b:4', 25) }, points).cursors,
  ).toEqual({ a: 7, b: 4, c: 9 });
});

it('before the sync point: rooms the input named from their cursor, rooms started live from where they started', () => {
  const { points, at } = registry();
  const key = streamStart('s1', input, points).resumeKey;
  at(10);
  const point = points.open(key);
  at(20);
  points.synced(point, { a: 7, b: 3 });
  // An id stamped during backfill (room a, before the sync point was sent).
  const start = streamStart('s1', { ...input, lastEventId: id(points, 'a:6', 15) }, points);
  expect(start).toMatchObject({ cursors: { a: 6, b: 3 }, resume: true });
});

it('takes the lowest bound of every stream of the device and input that was live at the position', () => {
  const { points, at } = registry();
  const key = streamStart('s1', input, points).resumeKey;
  at(10);
  const older = points.open(key);
  points.synced(older, { a: 7, b: 3 });
  at(20);
  const newer = points.open(key);
  points.synced(newer, { a: 8, b: 6, c: 1 });
  const start = streamStart('s1', { ...input, lastEventId: id(points, '-sync', 25) }, points);
  expect(start.cursors).toEqual({ a: 7, b: 3 });
  // Another device's streams (or another input) say nothing about this one.
  expect(
    streamStart('s2', { ...input, lastEventId: id(points, '-sync', 25) }, points).cursors,
  ).toEqual({
    a: 5,
  });
});

it('falls back to the input with resume (rooms it does not name from the join) when the position is unknown', () => {
  const { points, at } = registry(100);
  const key = streamStart('s1', input, points).resumeKey;
  const point = points.open(key);
  points.synced(point, { a: 7, b: 3 });
  at(5);
  points.close(point);
  const fallback = { cursors: { a: 5 }, resume: true };
  // An old-format id, another process's, and one whose stream was forgotten after the grace.
  expect(streamStart('s1', { ...input, lastEventId: 'b:2' }, points)).toMatchObject({
    cursors: { a: 5, b: 2 },
    resume: true,
  });
  expect(streamStart('s1', { ...input, lastEventId: '-sync~zzz.4' }, points)).toMatchObject(
    fallback,
  );
  at(1_000);
  (points as unknown as { forget(): void }).forget();
  expect(
    streamStart('s1', { ...input, lastEventId: id(points, '-sync', 4) }, points),
  ).toMatchObject(fallback);
});
