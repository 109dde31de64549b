import type { RoomEvent } from '@confab/contracts';

export type RoomEventListener = (event: RoomEvent) => void;

/** Fans the one event stream out to whichever views are mounted. */
export function createEventHub() {
  const listeners = new Set<RoomEventListener>();
  return {
    emit(event: RoomEvent): void {
      for (const listener of listeners) listener(event);
    },
    /** Returns the function that stops listening. */
    listen(listener: RoomEventListener): () => void {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
export type EventHub = ReturnType<typeof createEventHub>;
