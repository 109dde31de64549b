import { expect, type Page, test } from '@playwright/test';
import { messageBodies, messageRow, roomLink, send, twoUserChat } from '../fixtures/chat';

/** Messages waiting in the page's IndexedDB outbox (the web app keeps one per user). */
function queuedInIndexedDb(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const names = (await indexedDB.databases()).map((d) => d.name ?? '');
    const name = names.find((n) => n.startsWith('confab-outbox-'));
    if (!name) return 0;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      if (!db.objectStoreNames.contains('outbox')) return 0;
      const count = db.transaction('outbox', 'readonly').objectStore('outbox').count();
      return await new Promise<number>((resolve, reject) => {
        count.onsuccess = () => resolve(count.result);
        count.onerror = () => reject(count.error);
      });
    } finally {
      db.close();
    }
  });
}

test('a message written offline is sent once after the tab was closed and the app opened again', async ({
  browser,
}) => {
  const { a, b, room, bodies } = await twoUserChat(browser);
  await a.context.setOffline(true);
  const text = 'Written offline, tab closed before the network came back';
  await send(a.page, text);
  await expect(messageRow(a.page, text)).toHaveAttribute('data-status', 'pending');
  // On disk before the tab goes: the outbox writes the entry to IndexedDB when it is queued.
  await expect.poll(() => queuedInIndexedDb(a.page)).toBe(1);
  await a.page.close();

  // Later, online again, the app is opened anew in the same browser profile.
  await a.context.setOffline(false);
  const page = await a.context.newPage();
  await page.goto('/');
  await expect(page.getByText(`@${a.user.username}`)).toBeVisible();
  // The message reaches the other person once, after everything sent before it...
  await expect(messageBodies(b.page)).toHaveText([...bodies, text]);
  // ...is in the room's history once, confirmed, and has left the outbox.
  await roomLink(page, room).click();
  await expect(messageBodies(page)).toHaveText([...bodies, text]);
  await expect(messageRow(page, text)).toHaveAttribute('data-status', 'sent');
  await expect.poll(() => queuedInIndexedDb(page)).toBe(0);
  await expect(messageBodies(b.page)).toHaveText([...bodies, text]);
  await a.context.close();
  await b.context.close();
});
