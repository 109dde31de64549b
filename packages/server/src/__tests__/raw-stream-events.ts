import type { StreamEvent } from '@confab/contracts';
import type { RawSocket } from './ws-raw.js';

/** The events of subscription 1 on a raw socket, in arrival order, until `until` says stop. */
export async function eventsUntil(
  socket: RawSocket,
  until: (events: StreamEvent[]) => boolean,
): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  while (!until(events)) {
    const frame = await socket.next(1);
    if (frame.error) throw new Error(`stream failed: ${frame.error.message}`);
    const data = (frame.result?.data as { data?: StreamEvent } | undefined)?.data;
    if (data) events.push(data);
  }
  return events;
}

/** The bodies of the messages among `events`, in order. */
export const bodies = (events: StreamEvent[]) =>
  events.flatMap((e) => (e.type === 'message.created' ? [e.message.body] : []));

/** Whether the stream's sync point is among `events`. */
export const synced = (events: StreamEvent[]) => events.some((e) => e.type === 'sync');
