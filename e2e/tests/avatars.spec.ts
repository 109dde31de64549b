import { expect, type Page, test } from '@playwright/test';
import {
  createRoom,
  joinPublicRoom,
  messageRow,
  send,
  signedInUser,
  uniqueSuffix,
} from '../fixtures/chat';
import { encodePng } from '../fixtures/png';

/** A `width` x `height` PNG of one colour (8-bit RGB). */
const solidPng = (width: number, height: number, colour: [number, number, number]) =>
  encodePng(width, height, () => colour);

const profile = (page: Page) => page.getByRole('region', { name: 'Profile' });
const pictureField = (page: Page) => profile(page).getByLabel('Picture');
/** One of the profile's status lines (the picture's, the name's), by what it says. */
const status = (page: Page, text: string) =>
  profile(page).getByRole('status').filter({ hasText: text });
/** The author's picture beside a message (an <img> only once they have an avatar). */
const authorPicture = (page: Page, body: string) =>
  messageRow(page, body).locator('img.avatar-image');

/** The picture's decoded size in the page, once it has loaded: what the browser shows. */
async function loadedSize(page: Page, body: string) {
  const picture = authorPicture(page, body);
  await expect
    .poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
    .toBe(true);
  return picture.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
}

test('an avatar chosen in settings shows beside its owner’s messages on the other screen, live; bad files are refused at the field; removing it brings the initials back', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const [a, b] = await Promise.all([signedInUser(browser, 'Alice'), signedInUser(browser, 'Bob')]);
  const room = `Faces ${uniqueSuffix()}`;
  await createRoom(a.page, room, 'public');
  await joinPublicRoom(b.page, room);
  const body = `Look at my picture ${uniqueSuffix()}`;
  await send(a.page, body);
  await expect(messageRow(b.page, body)).toBeVisible();
  // No avatar yet: Bob sees Alice's initials.
  await expect(authorPicture(b.page, body)).toHaveCount(0);
  await expect(messageRow(b.page, body).locator('.avatar')).toHaveText('AL');

  await a.page.getByRole('link', { name: 'Settings' }).click();
  await expect(profile(a.page)).toBeVisible();

  // Not an image type: refused in the page, before any upload.
  await pictureField(a.page).setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('hello'),
  });
  await expect(profile(a.page).getByTestId('field-error')).toHaveText(
    'Choose a PNG, JPEG, WebP or GIF image',
  );
  await expect(pictureField(a.page)).toHaveAttribute('aria-invalid', 'true');

  // Claims to be a PNG but is not one: the server refuses it, and says so at the field.
  await pictureField(a.page).setInputFiles({
    name: 'fake.png',
    mimeType: 'image/png',
    buffer: Buffer.from('not really a png'),
  });
  await expect(profile(a.page).getByTestId('field-error')).toHaveCount(0);
  await profile(a.page).getByRole('button', { name: 'Save picture' }).click();
  await expect(profile(a.page).getByTestId('field-error')).toHaveText(
    'The file is not an image Confab can read (PNG, JPEG, WebP or GIF)',
  );

  // A real picture: previewed, then saved.
  await pictureField(a.page).setInputFiles({
    name: 'me.png',
    mimeType: 'image/png',
    buffer: solidPng(320, 200, [200, 30, 60]),
  });
  await expect(
    profile(a.page).getByRole('img', { name: 'Alice (preview, not saved yet)' }),
  ).toBeVisible();
  await profile(a.page).getByRole('button', { name: 'Save picture' }).click();
  await expect(status(a.page, 'Picture saved')).toBeVisible();
  await expect(profile(a.page).getByTestId('field-error')).toHaveCount(0);
  await expect(profile(a.page).getByRole('img', { name: 'Alice' })).toBeVisible();
  // Her own sidebar shows it too.
  await expect(a.page.locator('footer.me img.avatar-image')).toHaveAttribute('alt', 'Alice');

  // Bob, who had the room open all along, sees it beside her message without reloading: the
  // stored 256x256 square.
  await expect(authorPicture(b.page, body)).toHaveAttribute('alt', 'Alice');
  expect(await loadedSize(b.page, body)).toEqual([256, 256]);
  // After a reload too (read with the members), and in the members panel.
  await b.page.reload();
  expect(await loadedSize(b.page, body)).toEqual([256, 256]);
  await b.page.getByRole('button', { name: 'Members' }).click();
  const aliceMember = b.page
    .getByRole('complementary', { name: 'Members' })
    .getByTestId('member')
    .filter({ hasText: 'Alice' });
  await expect(aliceMember.locator('img.avatar-image')).toHaveAttribute('alt', 'Alice');

  // Removed: the initials come back on Bob's screen, live.
  await profile(a.page).getByRole('button', { name: 'Remove picture' }).click();
  await expect(status(a.page, 'Picture removed')).toBeVisible();
  await expect(authorPicture(b.page, body)).toHaveCount(0);
  await expect(messageRow(b.page, body).locator('.avatar')).toHaveText('AL');
  await expect(aliceMember.locator('img.avatar-image')).toHaveCount(0);

  await Promise.all([a.context.close(), b.context.close()]);
});

test('a display name changed in settings replaces the old one beside messages on the other screen, live', async ({
  browser,
}) => {
  const [a, b] = await Promise.all([signedInUser(browser, 'Carla'), signedInUser(browser, 'Dan')]);
  const room = `Names ${uniqueSuffix()}`;
  await createRoom(a.page, room, 'public');
  await joinPublicRoom(b.page, room);
  const body = `Who am I ${uniqueSuffix()}`;
  await send(a.page, body);
  await expect(messageRow(b.page, body).getByTestId('message-author')).toHaveText('Carla');

  await a.page.getByRole('link', { name: 'Settings' }).click();
  const name = profile(a.page).getByLabel('Display name');
  await expect(name).toHaveValue('Carla');
  // Refused at the field: an empty name.
  await name.fill('   ');
  await profile(a.page).getByRole('button', { name: 'Save name' }).click();
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toBeFocused();
  await expect(messageRow(b.page, body).getByTestId('message-author')).toHaveText('Carla');

  await name.fill('Carla Q');
  await profile(a.page).getByRole('button', { name: 'Save name' }).click();
  await expect(status(a.page, 'Name saved')).toBeVisible();
  await expect(a.page.locator('footer.me strong')).toHaveText('Carla Q');
  await expect(messageRow(b.page, body).getByTestId('message-author')).toHaveText('Carla Q');
  await Promise.all([a.context.close(), b.context.close()]);
});
