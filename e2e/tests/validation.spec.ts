import { expect, test } from '@playwright/test';
import {
  composer,
  createRoom,
  messageBodies,
  send,
  signedInUser,
  uniqueSuffix,
} from '../fixtures/chat';

test('the composer refuses what the server would, with its words, and keeps the draft', async ({
  browser,
}) => {
  const { context, page } = await signedInUser(browser, 'Erin');
  await createRoom(page, `Checks ${uniqueSuffix()}`, 'public');
  const form = page.getByRole('form', { name: 'Send a message' });

  // Shift+Enter adds a line; an empty message is simply not sent.
  await composer(page).fill('   ');
  await composer(page).press('Enter');
  await expect(composer(page)).toHaveValue('   ');
  await expect(form.getByRole('alert')).toHaveCount(0);
  await expect(messageBodies(page)).toHaveCount(0);

  const tooLong = 'x'.repeat(4001);
  await composer(page).fill(tooLong);
  await composer(page).press('Enter');
  await expect(form.getByRole('alert')).toHaveText('Message is longer than 4000 characters');
  await expect(composer(page)).toHaveValue(tooLong);
  await expect(messageBodies(page)).toHaveCount(0);

  await composer(page).fill('first line');
  await composer(page).press('Shift+Enter');
  await composer(page).pressSequentially('second line');
  await composer(page).press('Enter');
  await expect(messageBodies(page)).toHaveText(['first line\nsecond line']);

  const longest = 'y'.repeat(4000);
  await send(page, longest);
  await expect(messageBodies(page)).toHaveText(['first line\nsecond line', longest]);
  await expect(form.getByRole('alert')).toHaveCount(0);
  await context.close();
});
