import type { RoomEvent } from '@confab/contracts';
import type { ChatClient, ChatEvent, ConnectionState } from '../client.js';

/** Records what an SDK client delivers, and waits for conditions on it. */
export function record(client: ChatClient) {
  const events: ChatEvent[] = [];
  const states: ConnectionState[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const check of [...waiters]) check();
  };
  client.on('event', (event) => {
    events.push(event);
    notify();
  });
  client.on('state', (change) => {
    states.push(change.state);
    notify();
  });
  const until = (condition: () => boolean, what: string, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      if (condition()) return resolve();
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`Timed out waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
    });
  const roomEvents = (roomId: string) =>
    events.filter((e): e is RoomEvent => 'seq' in e && e.roomId === roomId);
  return {
    events,
    states,
    roomEvents,
    /** Bodies of message.created events in one room, in delivery order. */
    bodies: (roomId: string) =>
      roomEvents(roomId).flatMap((e) => (e.type === 'message.created' ? [e.message.body] : [])),
    until,
    connected: () => until(() => client.state === 'connected', 'connected'),
  };
}
export type Recorder = ReturnType<typeof record>;
