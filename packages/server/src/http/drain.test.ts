import { afterEach, describe, expect, it, vi } from 'vitest';
import { opensStream, serverRestarting, spreadOver } from './drain.js';

describe('spreadOver', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says each goodbye once, at its own moment within the window', () => {
    vi.useFakeTimers();
    const said: string[] = [];
    const draws = [0.9, 0.1, 0.5];
    spreadOver(
      ['a', 'b', 'c'].map((name) => () => said.push(name)),
      1_000,
      () => draws.shift() ?? 0,
    );
    vi.advanceTimersByTime(99);
    expect(said).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(said).toEqual(['b']);
    vi.advanceTimersByTime(400);
    expect(said).toEqual(['b', 'c']);
    vi.advanceTimersByTime(400);
    expect(said).toEqual(['b', 'c', 'a']);
    vi.advanceTimersByTime(10_000);
    expect(said).toEqual(['b', 'c', 'a']);
  });

  it('says the goodbyes not yet due at once when asked (the deadline), and none twice', () => {
    vi.useFakeTimers();
    const said: string[] = [];
    const draws = [0.2, 0.8];
    const sayRest = spreadOver(
      ['early', 'late'].map((name) => () => said.push(name)),
      1_000,
      () => draws.shift() ?? 0,
    );
    vi.advanceTimersByTime(300);
    expect(said).toEqual(['early']);
    sayRest();
    expect(said).toEqual(['early', 'late']);
    sayRest();
    vi.advanceTimersByTime(10_000);
    expect(said).toEqual(['early', 'late']);
  });
});

describe('opensStream', () => {
  it('names the device stream and the poll, alone or in a batch', () => {
    expect(opensStream('/trpc/events.onEvent', '/trpc')).toBe(true);
    expect(opensStream('/trpc/events.poll', '/trpc')).toBe(true);
    expect(opensStream('/trpc/message.send,events.poll', '/trpc')).toBe(true);
  });

  it('lets every other call through', () => {
    expect(opensStream('/trpc/message.send', '/trpc')).toBe(false);
    expect(opensStream('/trpc/message.send,message.history', '/trpc')).toBe(false);
    expect(opensStream('/trpc/events.polled', '/trpc')).toBe(false);
    expect(opensStream('/trpc', '/trpc')).toBe(false);
    expect(opensStream('/events.poll', '/trpc')).toBe(false);
  });
});

it('refuses with SERVICE_UNAVAILABLE, the code tRPC clients retry and the SDK reads as a restart', () => {
  const error = serverRestarting();
  expect(error.code).toBe('SERVICE_UNAVAILABLE');
});
