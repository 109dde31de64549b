import { expect, type Page, test } from '@playwright/test';
import { messageBodies, send, twoUserChat, uniqueSuffix } from '../fixtures/chat';

/** Reloads `page` and records which kinds of live connection it opens. */
async function reloadAndWatch(page: Page) {
  const sockets: string[] = [];
  const eventStreams: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  page.on('response', (response) => {
    if ((response.headers()['content-type'] ?? '').startsWith('text/event-stream')) {
      eventStreams.push(response.url());
    }
  });
  await page.reload();
  return { sockets, eventStreams };
}

test('two users chat with ?transport=sse: live events come over SSE, no WebSocket is opened', async ({
  browser,
}) => {
  const { a, b } = await twoUserChat(browser, '?transport=sse');
  for (const { page } of [a, b]) {
    const seen = await reloadAndWatch(page);
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Live over SSE');
    expect(seen.sockets).toEqual([]);
    expect(seen.eventStreams.some((url) => url.includes('/trpc/events.onEvent'))).toBe(true);
  }
  await a.context.close();
  await b.context.close();
});

test('two users chat with ?transport=poll: long polling, neither WebSocket nor SSE', async ({
  browser,
}) => {
  const { a, b, room } = await twoUserChat(browser, '?transport=poll');
  const seenByA = await reloadAndWatch(a.page);
  const seenByB = await reloadAndWatch(b.page);
  for (const { page } of [a, b]) {
    await page.getByRole('button', { name: room, exact: true }).click();
    await expect(messageBodies(page)).toHaveCount(2);
  }

  // Live after the reload too: a new message reaches the other page through its polls.
  const text = `Still polling ${uniqueSuffix()}`;
  await send(a.page, text);
  await expect(messageBodies(b.page).last()).toHaveText(text);
  for (const seen of [seenByA, seenByB]) {
    expect(seen.sockets).toEqual([]);
    expect(seen.eventStreams).toEqual([]);
  }
  await a.context.close();
  await b.context.close();
});
