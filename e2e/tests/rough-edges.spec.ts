import { expect, type Locator, type Page, test } from '@playwright/test';
import {
  connectionStatus,
  createRoom,
  log,
  messageRow,
  newUser,
  register,
  roomLink,
  send,
  signedInUser,
  uniqueSuffix,
} from '../fixtures/chat';

// The rough edges issue 17 lists ("seen when tried"), each asserted as a user meets it.

/** The WCAG contrast ratio of an element's text over its bubble (alpha composited). */
function textContrast(text: Locator): Promise<number> {
  return text.evaluate((element) => {
    const rgba = (css: string) => {
      const [r = 0, g = 0, b = 0, a = 1] = (css.match(/[\d.]+/g) ?? []).map(Number);
      return { r, g, b, a };
    };
    const bubble = element.closest('.bubble');
    if (!bubble) throw new Error('not in a bubble');
    const fg = rgba(getComputedStyle(element).color);
    const bg = rgba(getComputedStyle(bubble).backgroundColor);
    // The text's alpha over the (opaque) bubble: what the eye sees.
    const seen = (f: number, b: number) => f * fg.a + b * (1 - fg.a);
    const channel = (c: number) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    const luminance = (r: number, g: number, b: number) =>
      0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    const text = luminance(seen(fg.r, bg.r), seen(fg.g, bg.g), seen(fg.b, bg.b));
    const back = luminance(bg.r, bg.g, bg.b);
    return (Math.max(text, back) + 0.05) / (Math.min(text, back) + 0.05);
  });
}

/** The heading levels of the page, in document order (hidden ones included: AT lists them). */
function headingLevels(page: Page): Promise<number[]> {
  return page
    .locator('h1, h2, h3, h4, h5, h6')
    .evaluateAll((headings) => headings.map((h) => Number(h.tagName.slice(1))));
}

/** One h1, first; no level skipped on the way down (h2 then h4 would be). */
async function expectSaneHeadings(page: Page): Promise<void> {
  await expect(page.locator('h1')).toHaveCount(1);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Confab');
  const levels = await headingLevels(page);
  expect(levels[0]).toBe(1);
  levels.forEach((level, i) => {
    if (i > 0)
      expect(level, `heading ${i} after h${levels[i - 1]}`).toBeLessThanOrEqual(
        (levels[i - 1] ?? 1) + 1,
      );
  });
}

test('editing the newest message shows the whole editor in the log; focus returns to the message after saving or cancelling', async ({
  browser,
}) => {
  const { page, context } = await signedInUser(browser, 'Edna');
  await createRoom(page, `Edits ${uniqueSuffix()}`, 'public');
  // Enough messages that the log scrolls, so the newest sits at its bottom edge.
  for (let i = 1; i <= 14; i++) await send(page, `Line ${i}`);
  const last = messageRow(page, 'Line 14');
  await expect(last).toHaveAttribute('data-status', 'sent');

  const edit = last.getByRole('button', { name: 'Edit message' });
  await last.hover();
  await edit.click();
  const editor = page.getByRole('form', { name: 'Editing a message' });
  await expect(editor.getByRole('textbox')).toBeFocused();
  // The whole editor (text box and its Save button) is inside the log's visible box.
  const logBox = await log(page).boundingBox();
  const editorBox = await editor.boundingBox();
  if (!logBox || !editorBox) throw new Error('no layout');
  expect(editorBox.y).toBeGreaterThanOrEqual(logBox.y);
  expect(editorBox.y + editorBox.height).toBeLessThanOrEqual(logBox.y + logBox.height + 0.5);
  await expect(editor.getByRole('button', { name: 'Save' })).toBeInViewport({ ratio: 1 });

  // Escape cancels: focus is back on the message's Edit button, not lost to the page.
  await page.keyboard.press('Escape');
  await expect(editor).toHaveCount(0);
  await expect(edit).toBeFocused();

  // Saving (Enter) the same way.
  await page.keyboard.press('Enter');
  await expect(editor.getByRole('textbox')).toBeFocused();
  await editor.getByRole('textbox').fill('Line 14, edited');
  await page.keyboard.press('Enter');
  const edited = messageRow(page, 'Line 14, edited');
  await expect(edited.getByTestId('edited')).toBeVisible();
  await expect(edited.getByRole('button', { name: 'Edit message' })).toBeFocused();
  await context.close();
});

test('the members panel shows oneself online; Escape closes it and focus returns to its button', async ({
  browser,
}) => {
  const { page, context, user } = await signedInUser(browser, 'Pia');
  await createRoom(page, `Members ${uniqueSuffix()}`, 'private');
  await expect(connectionStatus(page)).toHaveText('Connected via WebSocket');
  const members = page.getByRole('button', { name: 'Members', exact: true });
  await members.click();
  const panel = page.getByRole('complementary', { name: 'Members' });
  const me = panel.getByTestId('member').filter({ hasText: `@${user.username}` });
  await expect(me.getByTestId('member-presence')).toHaveText('owner · Online');

  // Escape with focus on the opener closes it.
  await expect(members).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await expect(members).toHaveAttribute('aria-expanded', 'false');
  await expect(members).toBeFocused();

  // Escape from inside the panel too, and focus comes back to the opener, not the page.
  await members.click();
  await panel.getByLabel('Invite by username').focus();
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await expect(members).toBeFocused();

  // The Close button (gone once clicked) hands focus back the same way.
  await members.click();
  await panel.getByRole('button', { name: 'Close members' }).click();
  await expect(panel).toHaveCount(0);
  await expect(members).toBeFocused();
  await context.close();
});

/** The field's input: invalid, described by its own message. */
async function expectFieldError(field: Locator, message: string | RegExp): Promise<void> {
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(message);
}

test('form errors show at their fields (aria-invalid, described by the message), not as one raw line', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('button', { name: 'Create an account' }).click();
  const form = page.getByRole('form', { name: 'Create an account' });
  await page.getByLabel('Username').fill('a b');
  await page.getByLabel('Display name').fill('Fiona');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expectFieldError(
    page.getByLabel('Username'),
    'Username may contain only letters, digits and _',
  );
  await expectFieldError(page.getByLabel('Password'), 'Password needs at least 8 characters');
  await expect(page.getByLabel('Display name')).not.toHaveAttribute('aria-invalid');
  // No form-level line repeating them, and the first field in error has focus.
  await expect(form.getByRole('alert')).toHaveCount(0);
  await expect(page.getByLabel('Username')).toBeFocused();

  // A refusal that names no field stays one alert for the form, and the fields are clean again.
  const user = newUser('Fiona');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('form', { name: 'Sign in' }).getByRole('alert')).toHaveText(
    'Wrong username or password',
  );
  await expect(page.getByLabel('Username')).not.toHaveAttribute('aria-invalid');

  await register(page, user);
  // New room: a name of spaces passes the browser's `required`, the contracts trim it.
  await page.getByRole('link', { name: 'New room', exact: true }).click();
  await page.getByLabel('Room name').fill('   ');
  await page.getByRole('button', { name: 'Create room' }).click();
  await expectFieldError(page.getByLabel('Room name'), 'Room name is required');
  await expect(page.getByRole('main').getByRole('alert')).toHaveCount(0);

  // Direct message: a username that cannot exist.
  await page.getByRole('link', { name: 'Message', exact: true }).click();
  await page.getByLabel('Their username').fill('no');
  await page.getByRole('button', { name: 'Open conversation' }).click();
  await expectFieldError(page.getByLabel('Their username'), 'Username needs at least 3 characters');
  await expect(page.getByRole('main').getByRole('alert')).toHaveCount(0);

  // Settings: the account deletion's password, longer than any password can be.
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Delete my account…' }).click();
  const password = page.getByLabel('Your password, to confirm');
  await password.fill('x'.repeat(300));
  await page.getByRole('button', { name: 'Delete my account for good' }).click();
  await expectFieldError(password, /256/);
  // A wrong password is not about the field's shape: the form says it.
  await password.fill('not the password');
  await page.getByRole('button', { name: 'Delete my account for good' }).click();
  await expect(password).not.toHaveAttribute('aria-invalid');
  await expect(page.getByRole('main').getByRole('alert')).toHaveCount(1);
  await context.close();
});

test('while the API cannot be reached the sidebar says so in words, and the room list comes back by itself', async ({
  browser,
}) => {
  // Route interception does not see a service worker's requests: keep the worker out.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  let down = false;
  await page.routeWebSocket(/\/trpc/, (ws) => {
    if (down) void ws.close({ code: 1011, reason: 'server stopped (test)' });
    else ws.connectToServer();
  });
  // Stopped, except for the session check that decides between the sign-in screen and the app
  // (with that down too a reload lands on sign-in, which has its own notice): every other call
  // is refused as by a stopped server, so the room list's load fails the way it does for real.
  await page.route(
    (url) => url.pathname.startsWith('/trpc/') && url.pathname !== '/trpc/auth.me',
    (route) => (down ? route.abort('connectionrefused') : route.fallback()),
  );
  const user = newUser('Ravi');
  await register(page, user);
  const room = `Outage ${uniqueSuffix()}`;
  await createRoom(page, room, 'public');
  await send(page, 'Before the outage');

  down = true;
  await page.reload();
  const sidebar = page.getByRole('complementary', { name: 'Rooms and account' });
  await expect(sidebar.getByRole('alert')).toHaveText('Can’t reach the server; retrying…');
  await expect(page.getByRole('main').getByRole('alert')).toHaveText(
    'Can’t reach the server; retrying…',
  );
  await expect(page.getByText('Failed to fetch')).toHaveCount(0);
  await expect(connectionStatus(page)).not.toHaveText(/^Connected/);

  down = false;
  await expect(roomLink(page, room)).toBeVisible();
  await expect(sidebar.getByRole('alert')).toHaveCount(0);
  await expect(connectionStatus(page)).toHaveText(/^Connected via /);
  // The open room, which could not load either, loads by itself too.
  await expect(messageRow(page, 'Before the outage')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await context.close();
});

test('opened while the server is stopped, the app says so in words and signs back in by itself when it is back', async ({
  browser,
}) => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const user = newUser('Sami');
  await register(page, user);
  let down = true;
  // Every API call refused, as by a stopped server (the page itself still loads).
  await page.route(
    (url) => url.pathname.startsWith('/trpc/'),
    (route) => (down ? route.abort('connectionrefused') : route.fallback()),
  );
  await page.reload();
  await expect(page.getByRole('form', { name: 'Sign in' }).getByRole('alert')).toHaveText(
    'Can’t reach the server; retrying…',
  );
  await expect(page.getByText('Failed to fetch')).toHaveCount(0);
  down = false;
  await expect(page.getByText(`@${user.username}`)).toBeVisible();
  await expect(connectionStatus(page)).toHaveText('Connected via WebSocket');
  await context.close();
});

test('on a phone the connection is a dot with an accessible name; on a wide screen its words show', async ({
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await register(page, newUser('Nadia'));
  const status = connectionStatus(page);
  await expect(status).toHaveText('Connected via WebSocket');
  await expect(status).toHaveAttribute('title', 'Connected via WebSocket');
  const narrow = await status.boundingBox();
  expect(narrow?.width).toBeLessThanOrEqual(32);
  // The brand and the dot share the header's one row.
  const brand = page.getByRole('link', { name: 'Confab' });
  const brandBox = await brand.boundingBox();
  if (!narrow || !brandBox) throw new Error('no layout');
  expect(narrow.x).toBeGreaterThan(brandBox.x + brandBox.width);

  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(status.locator('.connection-text')).toBeVisible();
  const wide = await status.boundingBox();
  expect(wide?.width).toBeGreaterThan(100);
  await context.close();
});

test('the time in one’s own bubble has at least 4.5:1 contrast, in the light and the dark theme', async ({
  browser,
}) => {
  const { page, context } = await signedInUser(browser, 'Cora');
  await createRoom(page, `Contrast ${uniqueSuffix()}`, 'public');
  await send(page, 'How readable is my time?');
  const row = messageRow(page, 'How readable is my time?');
  await expect(row).toHaveAttribute('data-status', 'sent');
  const time = row.locator('.message-meta time');
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const ratio = await textContrast(time);
    expect(ratio, `${colorScheme}: ${ratio.toFixed(2)}:1`).toBeGreaterThanOrEqual(4.5);
    // Still quieter than the message itself (not full white).
    expect(await time.evaluate((t) => getComputedStyle(t).color)).not.toBe('rgb(255, 255, 255)');
  }
  await context.close();
});

test('the signed-in app has one h1, with sane heading levels, on the room list, a room and the settings', async ({
  browser,
}) => {
  const { page, context } = await signedInUser(browser, 'Hugo');
  await expectSaneHeadings(page);
  await createRoom(page, `Headings ${uniqueSuffix()}`, 'public');
  await expectSaneHeadings(page);
  await page.getByRole('button', { name: 'Members' }).click();
  await expectSaneHeadings(page);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expectSaneHeadings(page);
  await context.close();
});
