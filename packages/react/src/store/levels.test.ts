import type { NotificationLevel } from '@confab/contracts';
import { describe, expect, it } from 'vitest';
import { createLevelsStore, type RoomLevelsApi } from './levels.js';

/** A server whose answers to setRoomLevel the test releases by hand. */
function fakeApi(initial: Record<string, NotificationLevel>) {
  const levels = new Map(Object.entries(initial));
  const answers: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const settle = () =>
    new Promise<void>((resolve, reject) => answers.push({ resolve, reject: (e) => reject(e) }));
  const api: RoomLevelsApi = {
    roomLevels: async () => [...levels].map(([roomId, level]) => ({ roomId, level })),
    setRoomLevel: async (roomId, level) => {
      await settle();
      if (level === 'all') levels.delete(roomId);
      else levels.set(roomId, level);
    },
  };
  return { api, answers };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const entries = (store: ReturnType<typeof createLevelsStore>) => [
  ...(store.state.get().levels ?? []),
];

describe('notification levels store', () => {
  it('loads once on start', async () => {
    const { api } = fakeApi({ a: 'mentions', b: 'none' });
    const store = createLevelsStore(api);
    expect(store.state.get().levels).toBeNull();
    store.start();
    await flush();
    expect(entries(store)).toEqual([
      ['a', 'mentions'],
      ['b', 'none'],
    ]);
  });

  it('sets a level at once and keeps it when the server agrees; all is no entry', async () => {
    const { api, answers } = fakeApi({ c: 'none' });
    const store = createLevelsStore(api);
    store.start();
    await flush();
    const done = store.setLevel('d', 'mentions');
    expect(store.state.get().levels?.get('d')).toBe('mentions');
    answers[0]?.resolve();
    await done;
    expect(store.state.get().levels?.get('d')).toBe('mentions');
    const back = store.setLevel('c', 'all');
    expect(entries(store)).toEqual([['d', 'mentions']]);
    answers[1]?.resolve();
    await back;
    expect(entries(store)).toEqual([['d', 'mentions']]);
  });

  it('puts the old level back and rejects when the server refuses', async () => {
    const { api, answers } = fakeApi({ e: 'none' });
    const store = createLevelsStore(api);
    store.start();
    await flush();
    const done = store.setLevel('e', 'mentions');
    expect(store.state.get().levels?.get('e')).toBe('mentions');
    answers[0]?.reject(new Error('Room not found'));
    await expect(done).rejects.toThrow('Room not found');
    expect(store.state.get().levels?.get('e')).toBe('none');
  });

  it('a reload answered while a change is pending does not undo the change', async () => {
    const { api, answers } = fakeApi({});
    const store = createLevelsStore(api);
    store.start();
    await flush();
    const done = store.setLevel('f', 'none');
    store.reload();
    await flush();
    expect(store.state.get().levels?.get('f')).toBe('none');
    answers[0]?.resolve();
    await done;
    expect(store.state.get().levels?.get('f')).toBe('none');
  });

  it('a reload brings a change made on another device', async () => {
    const { api, answers } = fakeApi({});
    const store = createLevelsStore(api);
    store.start();
    await flush();
    const other = createLevelsStore(api);
    const elsewhere = other.setLevel('g', 'mentions');
    answers[0]?.resolve();
    await elsewhere;
    expect(store.state.get().levels?.get('g')).toBeUndefined();
    store.reload();
    await flush();
    expect(store.state.get().levels?.get('g')).toBe('mentions');
  });

  it('does not load on reload before anyone asked', async () => {
    let calls = 0;
    const store = createLevelsStore({
      roomLevels: async () => {
        calls++;
        return [];
      },
      setRoomLevel: async () => {},
    });
    store.reload();
    await flush();
    expect(calls).toBe(0);
  });
});
