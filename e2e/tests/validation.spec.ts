import { expect, test } from '@playwright/test';
import { createRoom, messageBodies, send, signedInUser, uniqueSuffix } from '../fixtures/chat';

test("the server's validation errors reach the page and the draft is kept", async ({ browser }) => {
  const { context, page } = await signedInUser(browser, 'Erin');
  await createRoom(page, `Checks ${uniqueSuffix()}`, 'public');
  const box = page.getByLabel('Message', { exact: true });
  const composer = page.getByRole('form', { name: 'Send a message' });

  await send(page, '   \n  ');
  await expect(composer.getByRole('alert')).toHaveText('body: Message is empty');
  await expect(box).toHaveValue('   \n  ');
  await expect(messageBodies(page)).toHaveCount(0);

  const tooLong = 'x'.repeat(4001);
  await send(page, tooLong);
  await expect(composer.getByRole('alert')).toHaveText(
    'body: Message is longer than 4000 characters',
  );
  await expect(box).toHaveValue(tooLong);
  await expect(messageBodies(page)).toHaveCount(0);

  // The limit itself is allowed: the refusals above were about the length, not the room.
  const longest = 'y'.repeat(4000);
  await send(page, longest);
  await expect(messageBodies(page)).toHaveText([longest]);
  await expect(composer.getByRole('alert')).toHaveCount(0);
  await expect(box).toHaveValue('');
  await context.close();
});
