import { expect, test } from '@playwright/test';
import { createRoom, newUser, register } from '../fixtures/chat';
import { e2ePort } from '../fixtures/port';
import { peakRssOf, pidListeningOn } from '../fixtures/server-process';

const port = e2ePort();

// Issue 17: a 200 MB upload from the browser is refused (the limit is 50 MiB) and the server's
// memory does not grow with it. The composer refuses it before any request (files.spec.ts); this
// sends it anyway, as a script in the page could, with the page's own session cookie.
test('a 200 MB upload is refused with FILE_TOO_LARGE and the server’s peak memory does not grow with it', async ({
  page,
}) => {
  const alice = newUser('Alice');
  await register(page, alice);
  await createRoom(page, 'big files', 'private');
  const roomId = /#\/rooms\/([^/]+)/.exec(page.url())?.[1];
  expect(roomId).toBeTruthy();
  const pid = pidListeningOn(port);
  const before = peakRssOf(pid);

  const answer = await page.evaluate(async (room) => {
    const body = new Blob([new Uint8Array(200 * 1024 * 1024)]);
    const query = new URLSearchParams({ roomId: room, name: 'huge.bin' });
    try {
      const response = await fetch(`/media/files?${query}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream' },
        body,
      });
      const json = (await response.json()) as { error?: { data?: { appCode?: string } } };
      return { status: response.status, appCode: json.error?.data?.appCode };
    } catch (error) {
      return { status: 0, appCode: String(error) };
    }
  }, roomId ?? '');

  expect(answer).toEqual({ status: 413, appCode: 'FILE_TOO_LARGE' });
  expect(peakRssOf(pid) - before).toBeLessThan(32 * 1024 * 1024);
});
