import { describe, expect, it } from 'vitest';
import { EventStreamParser, type ServerSentEvent } from './sse.js';

function parse(...chunks: string[]): ServerSentEvent[] {
  const events: ServerSentEvent[] = [];
  const parser = new EventStreamParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

describe('EventStreamParser', () => {
  it('reads tRPC-style events: a named one, then data with an id, then a ping', () => {
    const events = parse(
      'event: connected\ndata: {"reconnectAfterInactivityMs":10000}\n\n',
      'data: {"type":"sync"}\nid: r1:3\n\n\n',
      'event: ping\ndata: \n\n',
    );
    expect(events).toEqual([
      { event: 'connected', data: '{"reconnectAfterInactivityMs":10000}', id: undefined },
      { event: 'message', data: '{"type":"sync"}', id: 'r1:3' },
      { event: 'ping', data: '', id: undefined },
    ]);
  });

  it('joins lines split across chunks, multi-line data and CRLF line ends', () => {
    const events = parse('da', 'ta: a\r\ndata:b\r', '\n\r\n: a comment\n', 'event: x\n\n');
    // The event with only `event:` has no data: it is not dispatched.
    expect(events).toEqual([{ event: 'message', data: 'a\nb', id: undefined }]);
  });
});
