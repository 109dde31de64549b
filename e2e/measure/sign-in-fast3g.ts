import { writeFileSync } from 'node:fs';
import { type Browser, test } from '@playwright/test';

/**
 * Chrome DevTools' "Fast 3G" preset (the one Lighthouse used): 562.5 ms round trip, 1.44 Mbit/s
 * down, 675 kbit/s up. A figure for docs/operations.md, not an assertion.
 */
const FAST_3G = {
  offline: false,
  latency: 562.5,
  downloadThroughput: (1.6 * 1024 * 1024 * 0.9) / 8,
  uploadThroughput: (750 * 1024 * 0.9) / 8,
};
const ROUNDS = 3;

declare global {
  interface Window {
    __signInFormAt?: number;
  }
}

/** Runs in the page before its scripts: notes when the sign-in form's Username field appears. */
function watchForSignInForm(): void {
  const seen = () => {
    if (window.__signInFormAt === undefined && document.querySelector('input[name="username"]')) {
      window.__signInFormAt = performance.now();
      return true;
    }
    return false;
  };
  new MutationObserver((_, observer) => {
    if (seen()) observer.disconnect();
  }).observe(document, { childList: true, subtree: true });
}

/** One cold load (empty cache, no service worker) on the throttled link. */
async function coldLoad(browser: Browser, url: string) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  await context.addInitScript(watchForSignInForm);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', FAST_3G);
  let transferred = 0;
  cdp.on('Network.loadingFinished', (event) => {
    transferred += event.encodedDataLength;
  });
  await page.goto(url);
  await page.locator('input[name="username"]').waitFor();
  const ms = await page.evaluate(() => window.__signInFormAt ?? Number.NaN);
  await context.close();
  return { ms, transferred };
}

test('time to the sign-in form on Fast 3G, compressed and not', async ({ browser }, info) => {
  const { compressedPort, plainPort } = info.config.metadata as {
    compressedPort: number;
    plainPort: number;
  };
  const runs: Record<string, { ms: number; transferred: number }[]> = { plain: [], compressed: [] };
  // Interleaved, so a busy moment of the machine falls on both alike.
  for (let round = 0; round < ROUNDS; round++) {
    runs.plain?.push(await coldLoad(browser, `http://127.0.0.1:${plainPort}/`));
    runs.compressed?.push(await coldLoad(browser, `http://127.0.0.1:${compressedPort}/`));
  }
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const row = (name: string, list: { ms: number; transferred: number }[]) =>
    `| ${name} | ${(median(list.map((r) => r.ms)) / 1000).toFixed(2)} s | ` +
    `${list.map((r) => (r.ms / 1000).toFixed(2)).join(', ')} | ${(median(list.map((r) => r.transferred)) / 1024).toFixed(0)} KiB |`;
  const table = [
    `Time from navigation to the sign-in form, cold cache, Chrome "Fast 3G" (562.5 ms RTT, 1.44 Mbit/s down), ${ROUNDS} rounds`,
    '',
    '| served | median | rounds | transferred |',
    '|---|---|---|---|',
    row('as built (no compression)', runs.plain ?? []),
    row('precompressed (brotli)', runs.compressed ?? []),
  ].join('\n');
  console.log(table);
  if (process.env.MEASURE_OUT) writeFileSync(process.env.MEASURE_OUT, `${table}\n`);
});
