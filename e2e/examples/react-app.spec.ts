import { expect, type Page, test } from '@playwright/test';
import { freeLoopbackPort } from '../../packages/server/src/__tests__/redis-server';
import { exampleDir, startConfab, startProcess } from './processes';

// examples/react-app: an app with its own users and backend. The backend holds the Confab API
// key and mints 3-second Confab tokens for its signed-in users; the React app's token provider
// fetches /confab-token. The tokens expire mid-conversation and are renewed with no visible
// disconnect.

const API_KEY = 'examples-react-app-key-0123456789';
const TOKEN_TTL_SECONDS = 3;

type Backend = Awaited<ReturnType<typeof startProcess>>;
const running: { stop(): Promise<void> }[] = [];
let backend: Backend;
let appUrl = '';

test.beforeAll(async () => {
  const port = await freeLoopbackPort();
  appUrl = `http://127.0.0.1:${port}`;
  const confab = await startConfab({ CORS_ORIGINS: appUrl, API_KEYS: API_KEY });
  running.push(confab);
  backend = await startProcess({
    args: ['server-dist/main.js'],
    cwd: exampleDir('react-app'),
    env: {
      PORT: String(port),
      CONFAB_URL: confab.url,
      CONFAB_API_KEY: API_KEY,
      TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS),
      STATIC_DIR: 'dist',
    },
    ready: /Acme chat is running at/,
  });
  running.push(backend);
});

test.afterAll(async () => {
  for (const process of running.reverse()) await process.stop();
});

/** The tokens the backend minted for `username` so far: their count and last expiry (ms). */
function minted(username: string): { count: number; lastExpiry: number } {
  const lines = [...backend.output().matchAll(/confab token #(\d+) for (\w+), expires at (\S+)/g)];
  const mine = lines.filter((line) => line[2] === username);
  const last = mine.at(-1);
  return { count: mine.length, lastExpiry: last ? Date.parse(last[3] ?? '') : 0 };
}

/** Waits until the clock passes `at`: bounded, 100 ms steps (a token's expiry is the event). */
async function pastExpiry(at: number): Promise<void> {
  for (let i = 0; i < 200 && Date.now() <= at; i++)
    await new Promise((resolve) => setTimeout(resolve, 100));
  expect(Date.now()).toBeGreaterThan(at);
}

/**
 * Every text the connection status ever showed, recorded in the page from its first render
 * (a MutationObserver installed before the app's scripts run).
 */
async function recordStatus(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    Object.assign(window, { connectionSeen: seen });
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="connection"]')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
}

const statusSeen = (page: Page) =>
  page.evaluate(() => (window as unknown as { connectionSeen: string[] }).connectionSeen);

async function signIn(page: Page, username: string, password: string) {
  await recordStatus(page);
  await page.goto(appUrl);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('connection')).toHaveText('connected');
}

async function say(page: Page, body: string) {
  await page.getByLabel('Message', { exact: true }).fill(body);
  await page.getByRole('button', { name: 'Send' }).click();
}

test('two app users chat; their short tokens expire and are renewed without a disconnect', async ({
  browser,
}) => {
  const ada = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await signIn(ada, 'ada', 'ada-secret');
  await signIn(bob, 'bob', 'bob-secret');
  const messages = (page: Page) => page.getByRole('list', { name: 'Messages' }).locator('li');

  await say(ada, 'one');
  await expect(messages(bob)).toHaveText(['Ada one']);
  await say(bob, 'two');
  await expect(messages(ada)).toHaveText(['Ada one', 'Bob two']);

  // Both users' current tokens run out; the conversation goes on.
  const before = { ada: minted('ada'), bob: minted('bob') };
  await pastExpiry(Math.max(before.ada.lastExpiry, before.bob.lastExpiry));
  await say(ada, 'three');
  await expect(messages(bob)).toHaveText(['Ada one', 'Bob two', 'Ada three']);
  await say(bob, 'four');
  const conversation = ['Ada one', 'Bob two', 'Ada three', 'Bob four'];
  await expect(messages(ada)).toHaveText(conversation);
  await expect(messages(bob)).toHaveText(conversation);

  // Each sender's expired token was refused and renewed through the provider (the backend).
  expect(minted('ada').count).toBeGreaterThan(before.ada.count);
  expect(minted('bob').count).toBeGreaterThan(before.bob.count);
  // No message failed, no error shown, and the status never left "connected" once there.
  for (const page of [ada, bob]) {
    await expect(page.locator('li[data-status="failed"]')).toHaveCount(0);
    await expect(page.getByRole('alert')).toHaveCount(0);
    const seen = await statusSeen(page);
    expect(seen.slice(seen.indexOf('connected'))).toEqual(['connected']);
    expect(seen.filter((s) => s !== 'connecting' && s !== 'connected')).toEqual([]);
  }
});
