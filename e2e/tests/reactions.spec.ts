import { expect, type Page, test } from '@playwright/test';
import {
  createRoom,
  joinPublicRoom,
  messageRow,
  send,
  signedInUser,
  uniqueSuffix,
} from '../fixtures/chat';

/** The reaction chip of one emoji under a message. */
const chip = (page: Page, body: string, emoji: string) =>
  messageRow(page, body).locator(`[data-testid="reaction"][data-emoji="${emoji}"]`);

test('a reaction chosen in the picker by search shows live on the other screen; counts follow adds and removals, and survive a reload', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const [a, b] = await Promise.all([signedInUser(browser, 'Alice'), signedInUser(browser, 'Bob')]);
  const room = `Reactions ${uniqueSuffix()}`;
  await createRoom(a.page, room, 'public');
  await joinPublicRoom(b.page, room);
  const body = `React to me ${uniqueSuffix()}`;
  await send(a.page, body);
  await expect(messageRow(b.page, body)).toBeVisible();

  // Everything the picker needs comes from our own origin (no CDN for emoji data or images).
  const requested: string[] = [];
  a.page.on('request', (request) => requested.push(request.url()));

  // Alice opens the picker from the message's menu and finds the emoji by name.
  const row = messageRow(a.page, body);
  await row.hover();
  await row.getByRole('button', { name: 'Add reaction' }).click();
  const picker = a.page.getByTestId('emoji-picker');
  const search = picker.getByRole('searchbox', { name: 'Search emoji' });
  await expect(search).toBeFocused();
  await search.fill('thumbs up');
  const option = picker.getByRole('button', { name: 'thumbs up', exact: true });
  // The data set's fully qualified form (with its variation selector) is what is sent.
  const thumbs = (await option.getAttribute('data-emoji')) ?? '';
  expect(thumbs.startsWith('👍')).toBe(true);
  await option.click();
  await expect(picker).toBeHidden();
  const origin = new URL(a.page.url()).origin;
  expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([]);
  expect(requested.some((url) => /\/assets\/EmojiPicker-[\w-]+\.js$/.test(url))).toBe(true);

  await expect(chip(a.page, body, thumbs)).toHaveAttribute('aria-pressed', 'true');
  await expect(chip(a.page, body, thumbs)).toHaveAccessibleName(`${thumbs} 1: you`);
  // Bob sees it live: one reaction, not his, by Alice.
  await expect(chip(b.page, body, thumbs)).toHaveAccessibleName(`${thumbs} 1: Alice`);
  await expect(chip(b.page, body, thumbs)).toHaveAttribute('aria-pressed', 'false');

  // Bob adds the same: two on both screens.
  await chip(b.page, body, thumbs).click();
  await expect(chip(b.page, body, thumbs)).toHaveAccessibleName(`${thumbs} 2: Alice and you`);
  await expect(chip(b.page, body, thumbs)).toHaveAttribute('aria-pressed', 'true');
  await expect(chip(a.page, body, thumbs)).toHaveAccessibleName(`${thumbs} 2: you and Bob`);
  await expect(chip(a.page, body, thumbs).getByTestId('reaction-count')).toHaveText('2');

  // Alice takes hers back: one, Bob's.
  await chip(a.page, body, thumbs).click();
  await expect(chip(a.page, body, thumbs)).toHaveAccessibleName(`${thumbs} 1: Bob`);
  await expect(chip(a.page, body, thumbs)).toHaveAttribute('aria-pressed', 'false');
  await expect(chip(b.page, body, thumbs)).toHaveAccessibleName(`${thumbs} 1: you`);

  // After a reload the history read brings the reactions back.
  await b.page.reload();
  await expect(chip(b.page, body, thumbs)).toHaveAccessibleName(`${thumbs} 1: you`);
  await expect(chip(b.page, body, thumbs)).toHaveAttribute('aria-pressed', 'true');
  await expect(messageRow(b.page, body).getByTestId('reaction')).toHaveCount(1);
});

test('the emoji picker works from the keyboard: type, Down into the grid, arrows, Enter; Escape closes it', async ({
  browser,
}) => {
  const a = await signedInUser(browser, 'Alice');
  await createRoom(a.page, `Keys ${uniqueSuffix()}`, 'private');
  const body = `Keyboard ${uniqueSuffix()}`;
  await send(a.page, body);
  const row = messageRow(a.page, body);
  await row.hover();
  await row.getByRole('button', { name: 'Add reaction' }).click();
  const picker = a.page.getByTestId('emoji-picker');
  const search = picker.getByRole('searchbox', { name: 'Search emoji' });
  await expect(search).toBeFocused();
  await a.page.keyboard.press('Escape');
  await expect(picker).toBeHidden();
  // Focus goes back to where the picker was opened from.
  await expect(row.getByRole('button', { name: 'Add reaction' })).toBeFocused();

  await row.hover();
  await row.getByRole('button', { name: 'Add reaction' }).click();
  await expect(search).toBeFocused();
  await a.page.keyboard.type('heart');
  await a.page.keyboard.press('ArrowDown');
  const options = picker.locator('button[data-emoji]');
  await expect(options.first()).toBeFocused();
  await a.page.keyboard.press('ArrowRight');
  await expect(options.nth(1)).toBeFocused();
  const second = await options.nth(1).getAttribute('data-emoji');
  await a.page.keyboard.press('Enter');
  await expect(picker).toBeHidden();
  await expect(row.locator(`[data-testid="reaction"][data-emoji="${second}"]`)).toHaveAttribute(
    'aria-pressed',
    'true',
  );
});
