import { expect, test } from '@playwright/test';
import { connectionStatus, messageBodies, send, twoUserChat } from '../fixtures/chat';

const cases = [
  { transport: 'ws', label: 'WebSocket' },
  { transport: 'sse', label: 'SSE' },
  { transport: 'poll', label: 'long polling' },
] as const;

for (const { transport, label } of cases) {
  test(`the core chat works with ?transport=${transport}, over ${label} only`, async ({
    browser,
  }) => {
    const { a, b, bodies } = await twoUserChat(browser, `?transport=${transport}`);
    await send(b.page, `Still ${label}`);
    await expect(messageBodies(a.page)).toHaveText([...bodies, `Still ${label}`]);
    for (const { page, connections } of [a, b]) {
      await expect(connectionStatus(page)).toHaveText(`Connected via ${label}`);
      const streamed = connections.eventStreams.filter((u) => u.includes('/trpc/events.live'));
      expect({
        websocket: connections.sockets.length > 0,
        sse: streamed.length > 0,
        poll: connections.polls.length > 0,
      }).toEqual({
        websocket: transport === 'ws',
        sse: transport === 'sse',
        poll: transport === 'poll',
      });
    }
    await a.context.close();
    await b.context.close();
  });
}
