import { join } from 'node:path';
import { type Browser, type BrowserContext, expect, type Page, test } from '@playwright/test';
import { mutate } from '../fixtures/api';
import { conversationTitle, messageBodies, roomLink } from '../fixtures/chat';
import { seedScene } from './seed';

const OUT = join(import.meta.dirname, '../../docs/screenshots');

type Scheme = 'light' | 'dark';
const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

/** A browser signed in (cookie session) as `username`, on the app's home page. */
async function signedIn(
  browser: Browser,
  username: string,
  options: Parameters<Browser['newContext']>[0],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const login = await page.request.post('/trpc/auth.loginWithCookie', {
    data: { username, password: 'correct horse battery', deviceLabel: 'Chrome on Linux' },
  });
  expect(login.ok()).toBe(true);
  await page.goto('/');
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(/^Connected/);
  return { context, page };
}

async function shot(page: Page, name: string): Promise<void> {
  // Let the typing dots and fades settle into a frame.
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(OUT, `${name}.png`), animations: 'disabled' });
}

test('screenshots of the main views', async ({ browser }) => {
  const scene = await seedScene();
  // Grace is online (a live browser) and Linus away (his tab is in the background).
  const grace = await signedIn(browser, scene.grace.username, DESKTOP);
  const linus = await signedIn(browser, scene.linus.username, DESKTOP);
  await linus.page.request.post('/trpc/presence.setActive', { data: { active: false } });

  const anonymous = await browser.newContext({ ...DESKTOP, colorScheme: 'light' });
  const signInPage = await anonymous.newPage();
  await signInPage.goto('/');
  await expect(signInPage.getByRole('form', { name: 'Sign in' })).toBeVisible();
  await shot(signInPage, 'desktop-light-sign-in');
  await anonymous.close();

  for (const scheme of ['light', 'dark'] as Scheme[]) {
    const phone = await signedIn(browser, scene.ada.username, { ...PHONE, colorScheme: scheme });
    await expect(roomLink(phone.page, 'design-review').getByTestId('unread')).toBeVisible();
    await shot(phone.page, `phone-${scheme}-rooms`);
    await phone.context.close();
  }

  const desktop = await signedIn(browser, scene.ada.username, { ...DESKTOP, colorScheme: 'light' });
  await roomLink(desktop.page, 'design-review').click();
  await expect(messageBodies(desktop.page).last()).toHaveText(
    'On it. I will share a before and after in a minute.',
  );
  await mutate('presence.typing', { roomId: scene.rooms.design }, scene.grace.token);
  await expect(desktop.page.getByTestId('typing')).toHaveText('Grace Hopper is typing…');
  await shot(desktop.page, 'desktop-light-conversation');
  await desktop.page.getByRole('button', { name: 'Members' }).click();
  await expect(desktop.page.getByTestId('member')).toHaveCount(4);
  await shot(desktop.page, 'desktop-light-members');
  await desktop.page.getByRole('link', { name: 'Settings' }).click();
  await expect(desktop.page.getByTestId('session')).not.toHaveCount(0);
  await shot(desktop.page, 'desktop-light-settings');
  await desktop.context.close();

  const dark = await signedIn(browser, scene.ada.username, { ...DESKTOP, colorScheme: 'dark' });
  await roomLink(dark.page, 'launch-planning').click();
  await expect(dark.page.getByTestId('unread-divider')).toBeVisible();
  await shot(dark.page, 'desktop-dark-conversation');
  await dark.page.getByRole('link', { name: 'Browse', exact: true }).click();
  await expect(dark.page.getByRole('button', { name: 'Join book-club' })).toBeVisible();
  await shot(dark.page, 'desktop-dark-browse');
  await dark.context.close();

  for (const scheme of ['light', 'dark'] as Scheme[]) {
    const phone = await signedIn(browser, scene.ada.username, { ...PHONE, colorScheme: scheme });
    await roomLink(phone.page, scheme === 'light' ? 'Grace Hopper' : 'design-review').click();
    await expect(conversationTitle(phone.page)).toBeVisible();
    await expect(messageBodies(phone.page).first()).toBeVisible();
    await shot(phone.page, `phone-${scheme}-conversation`);
    await phone.context.close();
  }
  await grace.context.close();
  await linus.context.close();
});
