import { readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { expect, test } from '@playwright/test';
import {
  composer,
  connectionStatus,
  messageBodies,
  messageRow,
  messages,
  send,
  signedInUser,
  twoUserChat,
} from '../fixtures/chat';

test('messages sent offline show as pending, then arrive exactly once when back online', async ({
  browser,
}) => {
  const { a, b, bodies } = await twoUserChat(browser);
  // Every attempt to send, with the clientMsgIds it carried: HTTP requests (the only way while
  // there is no socket) and message.send frames on the WebSocket (the way once it is back).
  const attempts: { offline: boolean; ids: string[] }[] = [];
  let offline = false;
  const idsIn = (text: string | null) =>
    [...(text ?? '').matchAll(/"clientMsgId":"([^"]+)"/g)].map((m) => m[1] ?? '');
  a.page.on('request', (request) => {
    if (request.url().includes('/trpc/message.send'))
      attempts.push({ offline, ids: idsIn(request.postData()) });
  });
  a.page.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      if (String(payload).includes('"message.send"'))
        attempts.push({ offline, ids: idsIn(String(payload)) });
    }),
  );

  offline = true;
  await a.context.setOffline(true);
  await expect(connectionStatus(a.page)).toHaveText('Offline');
  await expect(a.page.getByTestId('connection-banner')).toBeVisible();
  await send(a.page, 'Written on the train');
  await send(a.page, 'Still in the tunnel');
  for (const text of ['Written on the train', 'Still in the tunnel']) {
    await expect(messageRow(a.page, text)).toHaveAttribute('data-status', 'pending');
    await expect(messageRow(a.page, text).getByTestId('message-status')).toHaveText('Sending…');
  }
  await expect(composer(a.page)).toBeEnabled();

  offline = false;
  await a.context.setOffline(false);
  const expected = [...bodies, 'Written on the train', 'Still in the tunnel'];
  await expect(messageBodies(b.page)).toHaveText(expected);
  await expect(messageBodies(a.page)).toHaveText(expected);
  await expect(a.page.getByTestId('message-status')).toHaveCount(0);
  await expect(messages(a.page).and(a.page.locator('[data-status="sent"]'))).toHaveCount(
    expected.length,
  );
  await expect(connectionStatus(a.page)).toHaveText('Connected via WebSocket');
  // The outbox tried while offline and again once back, always with the same two ids; the
  // server kept each message once (the lists above). Once back it tries at least once more, not
  // always twice: an attempt made while offline on a socket the browser had not yet closed can
  // reach the server and be answered once the network is back, leaving only the other message
  // to send (seen once in a clean run: 1 attempt once back, both messages there once).
  expect(attempts.filter((attempt) => attempt.offline).length).toBeGreaterThanOrEqual(1);
  expect(attempts.filter((attempt) => !attempt.offline).length).toBeGreaterThanOrEqual(1);
  expect(new Set(attempts.flatMap((attempt) => attempt.ids)).size).toBe(2);
  await a.context.close();
  await b.context.close();
});

test('a reload while offline shows the app from the service worker’s shell, which reconnects when back online', async ({
  browser,
}) => {
  const a = await signedInUser(browser, 'Olga');
  const { page, context, user } = a;
  // The worker registers on start (not only for Web Push) and takes this page over.
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null))
    .toMatch(/\/sw\.js$/);
  // Its cache is this deployment's shell: index.html and every built asset, the page's own and
  // the chunks it loads later (markdown, highlighting, the emoji picker), so those work offline.
  const shell = await page.evaluate(async () => {
    const names = await caches.keys();
    const cache = await caches.open(names[0] ?? '');
    const cached = (await cache.keys()).map((request) => new URL(request.url).pathname).sort();
    const loaded = [...document.querySelectorAll<HTMLScriptElement>('script[src]')].map(
      (script) => new URL(script.src).pathname,
    );
    const styles = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].map(
      (link) => new URL(link.href).pathname,
    );
    return { names, cached, loaded: [...loaded, ...styles].sort() };
  });
  expect(shell.names).toHaveLength(1);
  expect(shell.names[0]).toMatch(/^confab-shell-[0-9a-f]{16}$/);
  const built = readdirSync(join(import.meta.dirname, '../../apps/web/dist/assets'), {
    recursive: true,
  })
    .map((file) => `/assets/${String(file).split(sep).join('/')}`)
    .filter((path) => !/\.(br|gz)$/.test(path)); // precompressed copies: served, not cached
  expect(shell.cached).toEqual(['/index.html', ...built].sort());
  for (const path of shell.loaded) expect(shell.cached).toContain(path);

  await context.setOffline(true);
  // The worker's own requests are offline too: what it answers next comes from its cache.
  // Asked until they are: once in a full run its first fetch after setOffline still reached
  // the server (not reproduced in 22 runs of this test alone, 16 of them beside busy loops).
  await expect
    .poll(() =>
      context
        .serviceWorkers()
        .at(-1)
        ?.evaluate(() =>
          fetch('/healthz').then(
            () => 'reached the server',
            () => 'offline',
          ),
        ),
    )
    .toBe('offline');
  const reloaded = await page.reload();
  expect(reloaded?.fromServiceWorker()).toBe(true);
  // The app, not the browser's error page: it cannot check the session, and says why.
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText(
    'You are offline. Confab signs you back in when the network returns.',
  );

  // Back online, the same session resumes by itself (the cookie is still good) and connects.
  await context.setOffline(false);
  await expect(page.getByText(`@${user.username}`)).toBeVisible();
  await expect(connectionStatus(page)).toHaveText('Connected via WebSocket');
  await context.close();
});

test('without the service worker the same offline reload is the browser’s error page (the control)', async ({
  browser,
}) => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByLabel('Username')).toBeVisible();
  await context.setOffline(true);
  await expect(page.reload()).rejects.toThrow(/ERR_INTERNET_DISCONNECTED/);
  await context.close();
});
