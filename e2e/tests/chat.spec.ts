import { expect, test } from '@playwright/test';
import {
  conversationTitle,
  createRoom,
  messageBodies,
  send,
  signedInUser,
  twoUserChat,
  uniqueSuffix,
} from '../fixtures/chat';

test('two users chat in a public room over WebSocket and see the same messages in order', async ({
  browser,
}) => {
  const { a, b } = await twoUserChat(browser);
  // The page really used WebSocket (the default transport) for live events.
  await expect(a.page.getByRole('status', { name: 'Connection' })).toHaveText(
    'Live over WebSocket',
  );
  await a.context.close();
  await b.context.close();
});

test('an invited user sees the private room appear live, with its unread count and preview', async ({
  browser,
}) => {
  const a = await signedInUser(browser, 'Carol');
  const b = await signedInUser(browser, 'Dave');
  const room = `Private ${uniqueSuffix()}`;
  await createRoom(a.page, room, 'private');

  await a.page.getByLabel('Invite by username').fill(b.user.username);
  await a.page.getByRole('button', { name: 'Invite', exact: true }).click();
  await expect(a.page.getByText(`Invited ${b.user.username}.`)).toBeVisible();

  const text = `Secret plan ${uniqueSuffix()}`;
  await send(a.page, text);
  await expect(messageBodies(a.page)).toHaveText([text]);

  // Dave did not reload: the room arrives through his event stream.
  const entry = b.page.getByRole('button', { name: room, exact: true });
  await expect(entry).toBeVisible();
  await expect(entry.getByTestId('unread')).toHaveText('1 unread');
  await expect(entry.locator('.preview')).toHaveText(text);

  await entry.click();
  await expect(conversationTitle(b.page)).toHaveText(room);
  await expect(messageBodies(b.page)).toHaveText([text]);
  // Reading the room clears its count.
  await expect(entry.getByTestId('unread')).toHaveCount(0);
  await a.context.close();
  await b.context.close();
});

test('a direct conversation is named after the other person on both sides', async ({ browser }) => {
  const a = await signedInUser(browser, 'Grace');
  const b = await signedInUser(browser, 'Heidi');

  await a.page.getByLabel('Username to message').fill(b.user.username);
  await a.page.getByRole('button', { name: 'Open conversation' }).click();
  await expect(conversationTitle(a.page)).toHaveText('Heidi');
  // Nobody can be invited into a direct conversation, so the page does not offer it.
  await expect(a.page.getByLabel('Invite by username')).toHaveCount(0);

  const text = `Psst ${uniqueSuffix()}`;
  await send(a.page, text);
  await expect(messageBodies(a.page)).toHaveText([text]);

  const entry = b.page.getByRole('button', { name: 'Grace', exact: true });
  await expect(entry.locator('.preview')).toHaveText(text);
  await entry.click();
  await expect(conversationTitle(b.page)).toHaveText('Grace');
  await expect(messageBodies(b.page)).toHaveText([text]);
  await a.context.close();
  await b.context.close();
});
