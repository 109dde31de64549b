import { expect, test } from '@playwright/test';
import { log, messageBodies, send, twoUserChat } from '../fixtures/chat';

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
  const script = '<script>alert(2)</script> and <a href="javascript:alert(3)">click</a>';
  await send(a.page, payload);
  await send(a.page, script);
  await expect(messageBodies(b.page).nth(-2)).toHaveText(payload);
  await expect(messageBodies(b.page).last()).toHaveText(script);
  for (const { page } of [a, b]) {
    await expect(log(page).locator('img, script')).toHaveCount(0);
    await expect(log(page).getByRole('link')).toHaveCount(0);
  }

  // A round trip after the payload landed gives a late onerror time to fire before checking.
  await send(b.page, 'seen it');
  await expect(messageBodies(a.page).last()).toHaveText('seen it');
  expect(dialogs).toEqual([]);
  await a.context.close();
  await b.context.close();
});
