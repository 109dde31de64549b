import { describe, expect, it } from 'vitest';
import { createMutedStore, type MutedRoomsApi } from './muted.js';

/** A server whose answers the test releases by hand. */
function fakeApi(initial: string[]) {
  const muted = new Set(initial);
  const answers: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const settle = () =>
    new Promise<void>((resolve, reject) => answers.push({ resolve, reject: (e) => reject(e) }));
  const api: MutedRoomsApi = {
    mutedRooms: async () => [...muted],
    setRoomMuted: async (roomId, value) => {
      await settle();
      if (value) muted.add(roomId);
      else muted.delete(roomId);
    },
  };
  return { api, answers };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('muted rooms store', () => {
  it('loads once on start', async () => {
    const { api } = fakeApi(['a']);
    const store = createMutedStore(api);
    expect(store.state.get().roomIds).toBeNull();
    store.start();
    await flush();
    expect([...(store.state.get().roomIds ?? [])]).toEqual(['a']);
  });

  it('mutes at once and keeps it when the server agrees', async () => {
    const { api, answers } = fakeApi([]);
    const store = createMutedStore(api);
    store.start();
    await flush();
    const done = store.setMuted('b', true);
    expect(store.state.get().roomIds?.has('b')).toBe(true);
    answers[0]?.resolve();
    await done;
    expect(store.state.get().roomIds?.has('b')).toBe(true);
  });

  it('puts the room back and rejects when the server refuses', async () => {
    const { api, answers } = fakeApi(['c']);
    const store = createMutedStore(api);
    store.start();
    await flush();
    const done = store.setMuted('c', false);
    expect(store.state.get().roomIds?.has('c')).toBe(false);
    answers[0]?.reject(new Error('Room not found'));
    await expect(done).rejects.toThrow('Room not found');
    expect(store.state.get().roomIds?.has('c')).toBe(true);
  });

  it('a reload answered while a change is pending does not undo the change', async () => {
    const { api, answers } = fakeApi([]);
    const store = createMutedStore(api);
    store.start();
    await flush();
    const done = store.setMuted('d', true);
    store.reload();
    await flush();
    expect(store.state.get().roomIds?.has('d')).toBe(true);
    answers[0]?.resolve();
    await done;
    expect(store.state.get().roomIds?.has('d')).toBe(true);
  });

  it('does not load on reload before anyone asked', async () => {
    let calls = 0;
    const store = createMutedStore({
      mutedRooms: async () => {
        calls++;
        return [];
      },
      setRoomMuted: async () => {},
    });
    store.reload();
    await flush();
    expect(calls).toBe(0);
  });
});
