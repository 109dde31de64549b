import { expect, type Locator, test } from '@playwright/test';
import {
  createRoom,
  joinPublicRoom,
  log,
  messageAuthors,
  messageBodies,
  send,
  signedInUser,
  twoUserChat,
  uniqueSuffix,
} from '../fixtures/chat';

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

test('a display name with a bidi override is isolated where it is shown', async ({ browser }) => {
  // U+202E RIGHT-TO-LEFT OVERRIDE: unisolated, it would reverse the text after the name.
  const spoof = 'Eve \u202Eevil';
  const [eve, bob] = await Promise.all([
    signedInUser(browser, spoof),
    signedInUser(browser, 'Bob'),
  ]);
  const room = `Bidi ${uniqueSuffix()}`;
  await createRoom(bob.page, room, 'public');
  await joinPublicRoom(eve.page, room);
  await send(eve.page, 'look at my name');
  await expect(messageBodies(bob.page)).toHaveText(['look at my name']);

  /** The element that holds exactly the name: its tag and computed unicode-bidi. */
  const isolation = (container: Locator) =>
    container.getByText(spoof, { exact: true }).evaluate((element) => ({
      tag: element.tagName,
      unicodeBidi: getComputedStyle(element).unicodeBidi,
    }));
  const isolated = { tag: 'BDI', unicodeBidi: 'isolate' };

  await expect(messageAuthors(bob.page)).toHaveText([spoof]);
  expect(await isolation(messageAuthors(bob.page))).toEqual(isolated);

  await bob.page.getByRole('button', { name: 'Members', exact: true }).click();
  const member = bob.page.getByTestId('member').filter({ hasText: eve.user.username });
  await expect(member).toHaveCount(1);
  expect(await isolation(member)).toEqual(isolated);

  await eve.context.close();
  await bob.context.close();
});
