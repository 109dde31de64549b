import { expect, test } from '@playwright/test';
import {
  composer,
  connectionStatus,
  messageBodies,
  messageRow,
  messages,
  send,
  twoUserChat,
} from '../fixtures/chat';

test('messages sent offline show as pending, then arrive exactly once when back online', async ({
  browser,
}) => {
  const { a, b, bodies } = await twoUserChat(browser);
  const sends: string[] = [];
  a.page.on('request', (request) => {
    if (request.url().includes('/trpc/message.send')) sends.push(request.url());
  });

  await a.context.setOffline(true);
  await expect(connectionStatus(a.page)).toHaveText('Offline');
  await expect(a.page.getByTestId('connection-banner')).toBeVisible();
  await send(a.page, 'Written on the train');
  await send(a.page, 'Still in the tunnel');
  for (const text of ['Written on the train', 'Still in the tunnel']) {
    await expect(messageRow(a.page, text)).toHaveAttribute('data-status', 'pending');
    await expect(messageRow(a.page, text).getByTestId('message-status')).toHaveText('Sending…');
  }
  await expect(composer(a.page)).toBeEnabled();

  await a.context.setOffline(false);
  const expected = [...bodies, 'Written on the train', 'Still in the tunnel'];
  await expect(messageBodies(b.page)).toHaveText(expected);
  await expect(messageBodies(a.page)).toHaveText(expected);
  await expect(a.page.getByTestId('message-status')).toHaveCount(0);
  await expect(messages(a.page).and(a.page.locator('[data-status="sent"]'))).toHaveCount(
    expected.length,
  );
  await expect(connectionStatus(a.page)).toHaveText('Connected via WebSocket');
  // The outbox retried while offline, always with the same ids; the server kept each once.
  expect(sends.length).toBeGreaterThanOrEqual(2);
  await a.context.close();
  await b.context.close();
});
