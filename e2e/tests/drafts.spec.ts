import { expect, test } from '@playwright/test';
import {
  composer,
  conversationTitle,
  createRoom,
  messageBodies,
  roomLink,
  signedInUser,
  uniqueSuffix,
} from '../fixtures/chat';

test('an unsent draft is kept per room across a reload, and cleared once sent', async ({
  browser,
}) => {
  const { context, page } = await signedInUser(browser, 'Dora');
  const first = `Drafts one ${uniqueSuffix()}`;
  const second = `Drafts two ${uniqueSuffix()}`;
  await createRoom(page, first, 'private');
  await composer(page).fill('Half a thought\nand a second line');
  await createRoom(page, second, 'private');
  await expect(composer(page)).toHaveValue('');
  await composer(page).fill('Another room, another draft');

  await page.reload();
  await expect(conversationTitle(page)).toHaveText(second);
  await expect(composer(page)).toHaveValue('Another room, another draft');
  await roomLink(page, first).click();
  await expect(conversationTitle(page)).toHaveText(first);
  await expect(composer(page)).toHaveValue('Half a thought\nand a second line');

  // Sent, it is gone from the box for good; the other room's draft stays.
  await composer(page).press('Enter');
  await expect(messageBodies(page).last()).toHaveText('Half a thought\nand a second line');
  await expect(composer(page)).toHaveValue('');
  await page.reload();
  await expect(conversationTitle(page)).toHaveText(first);
  await expect(composer(page)).toHaveValue('');
  await roomLink(page, second).click();
  await expect(composer(page)).toHaveValue('Another room, another draft');
  await context.close();
});
