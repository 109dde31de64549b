import { expect, type Page, test } from '@playwright/test';
import {
  connectionStatus,
  createRoom,
  messageBodies,
  messages,
  newUser,
  register,
  send,
  uniqueSuffix,
} from '../fixtures/chat';

/** What packages/server/src/http/security-headers.ts sends with the web app's files. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
    "img-src 'self' data: blob:; worker-src 'self'; object-src 'none'; base-uri 'none'; " +
    "form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

interface Violation {
  directive: string;
  blocked: string;
}

declare global {
  interface Window {
    __cspViolations: Violation[];
    __inlineRan?: boolean;
  }
}

const violations = (page: Page) => page.evaluate(() => window.__cspViolations);

test('the web app is served with a strict CSP and works under it without a violation', async ({
  browser,
}) => {
  const context = await browser.newContext();
  // Before the page's own scripts: every violation the page reports, from its first byte.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      window.__cspViolations.push({
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
      }),
    );
  });
  const page = await context.newPage();
  const consoleCsp: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) consoleCsp.push(message.text());
  });
  const assets: { url: string; headers: Record<string, string> }[] = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/assets/'))
      assets.push({ url: response.url(), headers: response.headers() });
  });

  const index = await page.goto('/');
  expect(index?.headers()).toMatchObject(PAGE_HEADERS);
  // Plain HTTP here: HSTS only over HTTPS.
  expect(index?.headers()['strict-transport-security']).toBeUndefined();

  // Registering, a room, a message over a WebSocket (connect-src 'self' must cover ws:).
  await register(page, newUser('Cora'), '?transport=ws');
  await expect(connectionStatus(page)).toHaveText('Connected via WebSocket');
  await createRoom(page, `Headers ${uniqueSuffix()}`, 'public');
  await send(page, 'Under a strict policy');
  await expect(messageBodies(page)).toHaveText(['Under a strict policy']);
  await expect(messages(page).and(page.locator('[data-status="sent"]'))).toHaveCount(1);

  // The service worker, as Enable notifications registers it (worker-src 'self').
  const workerScope = await page.evaluate(async () => {
    await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    return (await navigator.serviceWorker.ready).scope;
  });
  expect(workerScope).toBe(new URL('/', page.url()).href);

  expect(assets.map((a) => new URL(a.url).pathname)).toEqual(
    expect.arrayContaining([expect.stringMatching(/^\/assets\/index-[\w-]+\.js$/)]),
  );
  for (const asset of assets) expect(asset.headers).toMatchObject(PAGE_HEADERS);
  expect(await violations(page)).toEqual([]);
  expect(consoleCsp).toEqual([]);

  // The policy is enforced, and a violation would have been seen: an injected inline script
  // does not run and is reported.
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true';
    document.body.append(script);
  });
  await expect
    .poll(() => violations(page))
    .toEqual([{ directive: 'script-src-elem', blocked: 'inline' }]);
  expect(await page.evaluate(() => window.__inlineRan)).toBeUndefined();
  await context.close();
});
