import { join } from 'node:path';
import { type Browser, type BrowserContext, expect, type Page, test } from '@playwright/test';
import { type ApiUser, apiSend, apiUser, mutate } from '../fixtures/api';
import { conversationTitle, messageBodies, roomLink } from '../fixtures/chat';
import { apiUpload, landscapePng } from './files';
import { seedScene } from './seed';

// SCREENSHOTS_OUT: somewhere else (to compare, or to take only some of them).
const OUT = process.env.SCREENSHOTS_OUT ?? join(import.meta.dirname, '../../docs/screenshots');

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

  // A formatted conversation: markdown, a highlighted code block, a mention of the reader.
  const { id: review } = await mutate<{ id: string }>(
    'room.create',
    { kind: 'public', name: 'code-review', topic: 'Patches and nits' },
    scene.grace.token,
  );
  await mutate('room.join', { roomId: review }, scene.ada.token);
  await apiSend(
    scene.grace,
    review,
    [
      `@${scene.ada.username} can you look at the **retry** fix before the release?`,
      '',
      '- the backoff is _jittered_ now',
      '- ~~a fixed 2 s wait~~ is gone',
      '',
      '```ts',
      'const delayMs = Math.random() * Math.min(maxMs, baseMs * 2 ** attempt);',
      'await sleep(delayMs);',
      '```',
    ].join('\n'),
  );
  await apiSend(
    scene.ada,
    review,
    'Looks right. One nit: call it `retryDelayMs`, as [the style guide](https://example.com/style) says.',
  );
  for (const scheme of ['light', 'dark'] as Scheme[]) {
    const formatted = await signedIn(browser, scene.ada.username, {
      ...DESKTOP,
      colorScheme: scheme,
    });
    await roomLink(formatted.page, 'code-review').click();
    await expect(formatted.page.locator('pre code .hljs-keyword').first()).toBeVisible();
    await shot(formatted.page, `desktop-${scheme}-formatting`);
    await formatted.context.close();
  }
  await grace.context.close();
  await linus.context.close();
});

test('screenshots of a thread, reactions, a reply and a pin', async ({ browser }) => {
  const tag = Date.now().toString(36).slice(-5);
  const [ada, grace, linus] = await Promise.all([
    apiUser(`ada_t${tag}`, 'Ada Lovelace'),
    apiUser(`grace_t${tag}`, 'Grace Hopper'),
    apiUser(`linus_t${tag}`, 'Linus Torvalds'),
  ]);
  const { id: roomId } = await mutate<{ id: string }>(
    'room.create',
    { kind: 'public', name: 'release-train', topic: 'Shipping 2.0 on Friday' },
    grace.token,
  );
  for (const member of [ada, linus]) await mutate('room.join', { roomId }, member.token);
  const send = (author: ApiUser, body: string, extra: Record<string, unknown> = {}) =>
    mutate<{ id: string; seq: number }>(
      'message.send',
      { roomId, body, clientMsgId: `shot-${Math.random().toString(36).slice(2)}`, ...extra },
      author.token,
    );
  const plan = await send(grace, 'Release checklist for Friday: freeze at noon, tag at 15:00.');
  await send(linus, 'Changelog is drafted, needs one more pass.');
  const question = await send(ada, 'Who is on call over the weekend?');
  await send(grace, 'Linus this time, I take the next one.', { threadId: question.id });
  await send(linus, 'Confirmed. Pager is set up.', { threadId: question.id, alsoInRoom: true });
  await send(ada, 'Perfect, then we are good to go.', { replyToId: plan.id });
  const react = (user: ApiUser, messageId: string, emoji: string) =>
    mutate('message.react', { roomId, messageId, emoji, on: true }, user.token);
  await react(ada, plan.id, '👍️');
  await react(linus, plan.id, '👍️');
  await react(grace, plan.id, '🚀');
  await react(grace, question.id, '🙏');
  await mutate('message.pin', { roomId, messageId: plan.id, pinned: true }, grace.token);

  const desktop = await signedIn(browser, ada.username, { ...DESKTOP, colorScheme: 'light' });
  await roomLink(desktop.page, 'release-train').click();
  await expect(messageBodies(desktop.page).last()).toHaveText('Perfect, then we are good to go.');
  await desktop.page.getByTestId('thread-link').click();
  await expect(desktop.page.getByTestId('thread-reply')).toHaveCount(2);
  await shot(desktop.page, 'desktop-light-threads');
  await desktop.context.close();

  const dark = await signedIn(browser, ada.username, { ...DESKTOP, colorScheme: 'dark' });
  await roomLink(dark.page, 'release-train').click();
  await expect(dark.page.getByTestId('reaction')).toHaveCount(3);
  await dark.page.getByRole('button', { name: 'Members' }).click();
  await expect(dark.page.getByTestId('pinned-item')).toHaveCount(1);
  await shot(dark.page, 'desktop-dark-reactions-pins');
  await dark.context.close();
});

test('screenshots of a conversation with an image and a file', async ({ browser }) => {
  const tag = Date.now().toString(36).slice(-5);
  const [ada, grace] = await Promise.all([
    apiUser(`ada_f${tag}`, 'Ada Lovelace'),
    apiUser(`grace_f${tag}`, 'Grace Hopper'),
  ]);
  const { id: roomId } = await mutate<{ id: string }>(
    'room.create',
    { kind: 'public', name: 'field-trip', topic: 'Saturday hike' },
    grace.token,
  );
  await mutate('room.join', { roomId }, ada.token);
  const sendWith = async (author: ApiUser, body: string, files: { id: string }[]) =>
    mutate(
      'message.send',
      {
        roomId,
        body,
        clientMsgId: `shot-${Math.random().toString(36).slice(2)}`,
        attachments: files.map((file) => file.id),
      },
      author.token,
    );
  await apiSend(grace, roomId, 'Back from the recce: the trail is dry and the view is worth it.');
  const photo = await apiUpload(grace.token, roomId, {
    name: 'ridge-at-dusk.png',
    type: 'image/png',
    bytes: landscapePng(640, 400),
  });
  await sendWith(grace, 'From the ridge, an hour before sunset.', [photo]);
  const plan = await apiUpload(ada.token, roomId, {
    name: 'route-and-timings.pdf',
    type: 'application/pdf',
    bytes: Buffer.from(`%PDF-1.4\n${'% route notes\n'.repeat(2400)}%%EOF\n`),
  });
  await sendWith(ada, 'Lovely. Here is the route with timings and the bus back.', [plan]);

  const desktop = await signedIn(browser, ada.username, { ...DESKTOP, colorScheme: 'light' });
  await roomLink(desktop.page, 'field-trip').click();
  const thumbnail = desktop.page.getByAltText('ridge-at-dusk.png');
  await expect
    .poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth))
    .toBeGreaterThan(0);
  await expect(desktop.page.getByTestId('file-card')).toContainText('route-and-timings.pdf');
  await shot(desktop.page, 'desktop-light-files');
  await desktop.context.close();
});
