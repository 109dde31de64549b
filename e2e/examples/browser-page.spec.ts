import { expect, type Page, test } from '@playwright/test';
import { freeLoopbackPort } from '../../packages/server/src/__tests__/redis-server';
import { exampleDir, registerUser, startConfab, startProcess } from './processes';

// examples/browser-page, built by Vite and served by `vite preview` on one loopback port, talks
// to Confab on another: a different origin, allowed by CORS_ORIGINS, with a bearer token.

type Stoppable = { stop(): Promise<void> };
const running: Stoppable[] = [];
let pageUrl = '';
let apiUrl = '';

test.beforeAll(async () => {
  const port = await freeLoopbackPort();
  const origin = `http://127.0.0.1:${port}`;
  const confab = await startConfab({ CORS_ORIGINS: origin });
  running.push(confab);
  apiUrl = confab.url;
  running.push(
    await startProcess({
      args: [
        'node_modules/vite/bin/vite.js',
        'preview',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--strictPort',
      ],
      cwd: exampleDir('browser-page'),
      env: {},
      ready: new RegExp(`127\\.0\\.0\\.1:${port}`),
    }),
  );
  pageUrl = `${origin}/?server=${encodeURIComponent(apiUrl)}`;
  await registerUser(apiUrl, 'ada', 'ada-password-123');
  await registerUser(apiUrl, 'bob', 'bob-password-123');
});

test.afterAll(async () => {
  for (const process of running.reverse()) await process.stop();
});

async function signIn(page: Page, username: string, password: string) {
  await page.goto(pageUrl);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#status')).toHaveText('connected');
}

test('two people chat live on a page of another origin than the API', async ({ browser }) => {
  expect(new URL(pageUrl).origin).not.toBe(new URL(apiUrl).origin);
  const ada = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  // Every call to the API carries the bearer token and no cookie: cookies never cross origins.
  const apiCalls: { auth: string | undefined; cookie: string | undefined }[] = [];
  for (const page of [ada, bob])
    page.on('request', (request) => {
      if (!request.url().startsWith(`${apiUrl}/trpc/`) || request.method() === 'OPTIONS') return;
      const headers = request.headers();
      apiCalls.push({ auth: headers.authorization, cookie: headers.cookie });
    });

  await signIn(ada, 'ada', 'ada-password-123');
  await signIn(bob, 'bob', 'bob-password-123');

  await ada.getByLabel('Message', { exact: true }).fill('hello from ada');
  await ada.getByRole('button', { name: 'Send' }).click();
  await expect(bob.locator('#messages li')).toHaveText(['adahello from ada']);

  await bob.getByLabel('Message', { exact: true }).fill('hi ada');
  await bob.getByRole('button', { name: 'Send' }).click();
  const conversation = ['adahello from ada', 'bobhi ada'];
  await expect(ada.locator('#messages li')).toHaveText(conversation);
  await expect(bob.locator('#messages li')).toHaveText(conversation);

  // The sign-in calls have no token yet; every other one has one, and none has a cookie.
  const signedIn = apiCalls.filter((call) => call.auth !== undefined);
  expect(signedIn.length).toBeGreaterThan(0);
  expect(signedIn.every((call) => /^Bearer \S+$/.test(call.auth ?? ''))).toBe(true);
  expect(apiCalls.filter((call) => call.cookie !== undefined)).toEqual([]);
  await expect(ada.locator('#status')).toHaveText('connected');
  await expect(bob.locator('#status')).toHaveText('connected');
});
