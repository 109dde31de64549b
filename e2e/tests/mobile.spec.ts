import { expect, test } from '@playwright/test';
import {
  conversationTitle,
  createRoom,
  messageBodies,
  newUser,
  register,
  roomLink,
  send,
  uniqueSuffix,
} from '../fixtures/chat';

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

test('on a phone-width screen the sidebar and the conversation take turns', async ({ page }) => {
  await register(page, newUser('Nora'));
  const sidebar = page.getByRole('complementary', { name: 'Rooms and account' });
  await expect(sidebar).toBeVisible();

  const room = `Pocket ${uniqueSuffix()}`;
  await createRoom(page, room, 'public');
  await expect(sidebar).toBeHidden();
  await send(page, 'Typed on a phone');
  await expect(messageBodies(page)).toHaveText(['Typed on a phone']);
  // Nothing is wider than the screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  await page.getByRole('button', { name: 'Back to conversations' }).click();
  await expect(sidebar).toBeVisible();
  await expect(conversationTitle(page)).toHaveCount(0);
  await roomLink(page, room).click();
  await expect(conversationTitle(page)).toHaveText(room);
});
