import { expect, test } from '@playwright/test';
import { messageBodies, send, twoUserChat } from '../fixtures/chat';

test('markup in a message is shown as text and never runs', async ({ browser }) => {
  const { a, b } = await twoUserChat(browser);
  const dialogs: string[] = [];
  for (const { page } of [a, b]) {
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }

  const payload = '<img src=x onerror=alert(1)>';
  await send(a.page, payload);
  await expect(messageBodies(b.page).last()).toHaveText(payload);
  await expect(b.page.getByRole('log', { name: 'Messages' }).locator('img')).toHaveCount(0);

  // A round trip after the payload landed gives a late onerror time to fire before checking.
  await send(b.page, 'seen it');
  await expect(messageBodies(a.page).last()).toHaveText('seen it');
  await expect(messageBodies(a.page).nth(2)).toHaveText(payload);
  expect(dialogs).toEqual([]);
  await a.context.close();
  await b.context.close();
});
