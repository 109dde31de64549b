import { readFile, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, expect, type Page, test } from '@playwright/test';
import {
  composer,
  createRoom,
  joinPublicRoom,
  messageRow,
  messages,
  roomLink,
  signedInUser,
  uniqueSuffix,
} from '../fixtures/chat';

/** A 64x40 red PNG (made once with sharp; small enough to keep here). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAEAAAAAoCAIAAADBrGu+AAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAbklEQVRYhe2SAQkAURSDFscQ1x9jXYzx+IMFUFn8OL3UCZwA9YruQtxd6gROgHpFdyHuLnUCJ0C9orsQd5c6gROgXtFdiLtLncAJUK/oLsTdpU7gBKhXdBfi7lIncALUK7oLcXepEzgB6hV9+UI/GZW4prKXo7QAAAAASUVORK5CYII=',
  'base64',
);
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);

/** Alice's room, which Bob has joined: both pages show it. */
async function aliceAndBob(browser: Browser) {
  const [alice, bob] = await Promise.all([
    signedInUser(browser, 'Alice'),
    signedInUser(browser, 'Bob'),
  ]);
  const room = `Files ${uniqueSuffix()}`;
  await createRoom(alice.page, room, 'public');
  await joinPublicRoom(bob.page, room);
  return { alice, bob };
}

const attachInput = (page: Page) => page.getByTestId('attach-input');
const chips = (page: Page) =>
  page.getByRole('list', { name: 'Attached files' }).getByRole('listitem');
/** axe-core's serious and critical findings within `selector` (the files' own UI), one line each. */
async function seriousViolations(page: Page, selector: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).include(selector).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

const sendButton = (page: Page) => page.getByRole('button', { name: 'Send', exact: true });

test('an image and a PDF go from one person to another: thumbnail, viewer, download', async ({
  browser,
}) => {
  const { alice, bob } = await aliceAndBob(browser);

  await attachInput(alice.page).setInputFiles([
    { name: 'photo.png', mimeType: 'image/png', buffer: PNG },
    { name: 'notes.pdf', mimeType: 'application/pdf', buffer: PDF },
  ]);
  await expect(chips(alice.page)).toHaveCount(2);
  for (const name of ['photo.png', 'notes.pdf'])
    await expect(alice.page.getByRole('progressbar', { name: `${name} uploaded` })).toHaveAttribute(
      'aria-valuenow',
      '100',
    );
  expect(await seriousViolations(alice.page, '.upload-chips')).toEqual([]);
  const text = `Two files ${uniqueSuffix()}`;
  await composer(alice.page).fill(text);
  await sendButton(alice.page).click();
  await expect(chips(alice.page)).toHaveCount(0);
  await expect(composer(alice.page)).toHaveValue('');

  // Bob: the text, then the thumbnail (loaded, with the image's aspect ratio) and the PDF card.
  const row = messageRow(bob.page, text);
  const thumbnail = row.getByAltText('photo.png');
  await expect(thumbnail).toHaveAttribute('width', '64');
  await expect(thumbnail).toHaveAttribute('height', '40');
  await expect
    .poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth))
    .toBeGreaterThan(0);
  const card = row.getByTestId('file-card');
  await expect(card).toContainText('notes.pdf');
  await expect(card).toContainText(`${PDF.length} bytes · application/pdf`);
  await expect(messageRow(alice.page, text).getByAltText('photo.png')).toBeVisible();
  expect(await seriousViolations(bob.page, '.attachments')).toEqual([]);

  // The viewer: a modal dialog with the full image; Escape closes it and focus returns.
  const open = row.getByRole('button', { name: 'Open photo.png' });
  await open.click();
  const viewer = bob.page.getByRole('dialog', { name: 'photo.png' });
  await expect(viewer).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Close' })).toBeFocused();
  const full = viewer.getByRole('img', { name: 'photo.png' });
  await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
  expect(await seriousViolations(bob.page, '.image-viewer')).toEqual([]);
  await bob.page.keyboard.press('Escape');
  await expect(viewer).toHaveCount(0);
  await expect(open).toBeFocused();

  // The PDF downloads with its name and exactly its bytes.
  const [download] = await Promise.all([
    bob.page.waitForEvent('download'),
    card.getByRole('link', { name: 'Download notes.pdf' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('notes.pdf');
  expect(await readFile(await download.path())).toEqual(PDF);

  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('an uploaded HTML page never runs in the app: its link downloads it', async ({ browser }) => {
  const { alice, bob } = await aliceAndBob(browser);
  const html = Buffer.from('<!doctype html><script>document.title = "pwned"</script><p>hi</p>');
  await attachInput(alice.page).setInputFiles([
    { name: 'page.html', mimeType: 'text/html', buffer: html },
  ]);
  await expect(alice.page.getByRole('progressbar', { name: 'page.html uploaded' })).toHaveAttribute(
    'aria-valuenow',
    '100',
  );
  await composer(alice.page).press('Enter');

  const card = messages(bob.page).getByTestId('file-card');
  await expect(card).toContainText('page.html');
  const link = card.getByRole('link', { name: 'Download page.html' });
  const appUrl = bob.page.url();
  const opened: Page[] = [];
  bob.context.on('page', (page) => opened.push(page));

  const [download] = await Promise.all([bob.page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toBe('page.html');
  expect(await readFile(await download.path())).toEqual(html);
  // The app stayed where it was, and the page's script never ran in it.
  expect(bob.page.url()).toBe(appUrl);
  expect(await bob.page.title()).toMatch(/Confab$/);

  // Opened directly in a tab of its own, it is still a download, not a page of this origin.
  const href = await link.getAttribute('href');
  const tab = await bob.context.newPage();
  const [tabDownload] = await Promise.all([
    tab.waitForEvent('download'),
    tab.goto(href ?? '').catch(() => null), // Playwright reports "download is starting".
  ]);
  expect(tabDownload.suggestedFilename()).toBe('page.html');
  expect(await tab.title()).not.toBe('pwned');
  for (const page of [bob.page, tab, ...opened]) expect(await page.title()).not.toBe('pwned');

  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('a file sent in a thread shows in the thread; a deleted message shows its files no more', async ({
  browser,
}) => {
  const { alice, bob } = await aliceAndBob(browser);
  const root = `Agenda? ${uniqueSuffix()}`;
  await composer(alice.page).fill(root);
  await composer(alice.page).press('Enter');
  const rootRow = messageRow(alice.page, root);
  await rootRow.hover();
  await rootRow.getByRole('button', { name: 'Reply in thread', exact: true }).click();

  // A reply of only a file, from the thread panel's own paperclip.
  const panel = alice.page.getByTestId('thread');
  await panel
    .getByTestId('attach-input')
    .setInputFiles([{ name: 'agenda.pdf', mimeType: 'application/pdf', buffer: PDF }]);
  await expect(panel.getByRole('progressbar', { name: 'agenda.pdf uploaded' })).toBeVisible();
  await panel.getByRole('button', { name: 'Reply', exact: true }).click();
  await expect(panel.getByTestId('thread-reply').getByTestId('file-card')).toContainText(
    'agenda.pdf',
  );

  await messageRow(bob.page, root).getByTestId('thread-link').click();
  const bobReply = bob.page.getByTestId('thread').getByTestId('thread-reply');
  await expect(bobReply.getByTestId('file-card')).toContainText('agenda.pdf');

  // A message with a file, deleted: a tombstone with no file left on either screen.
  const gone = `Wrong file ${uniqueSuffix()}`;
  await attachInput(alice.page)
    .first()
    .setInputFiles([{ name: 'wrong.pdf', mimeType: 'application/pdf', buffer: PDF }]);
  await expect(alice.page.getByRole('progressbar', { name: 'wrong.pdf uploaded' })).toBeVisible();
  await composer(alice.page).fill(gone);
  await composer(alice.page).press('Enter');
  await expect(messageRow(bob.page, gone).getByTestId('file-card')).toContainText('wrong.pdf');
  const row = messageRow(alice.page, gone);
  await row.hover();
  await row.getByRole('button', { name: 'Delete message' }).click();
  await row.getByRole('button', { name: 'Delete', exact: true }).click();
  for (const page of [alice.page, bob.page]) {
    const tombstone = messages(page).filter({ hasText: 'This message was deleted' });
    await expect(tombstone).toHaveCount(1);
    await expect(tombstone.getByTestId('file-card')).toHaveCount(0);
    await expect(messages(page).getByText('wrong.pdf')).toHaveCount(0);
  }
  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('a file dropped on the conversation or a pasted image is attached; removing it takes it back', async ({
  browser,
}) => {
  const { context, page } = await signedInUser(browser, 'Dora');
  const room = `Drops ${uniqueSuffix()}`;
  await createRoom(page, room, 'public');
  const deletes: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'DELETE') deletes.push(new URL(request.url()).pathname);
  });

  // A drop on the message list (not the box): the whole conversation takes files.
  const dropped = await page.evaluateHandle(() => {
    const data = new DataTransfer();
    data.items.add(new File(['dropped bytes'], 'dropped.txt', { type: 'text/plain' }));
    return data;
  });
  await page
    .getByRole('log', { name: 'Messages' })
    .dispatchEvent('dragover', { dataTransfer: dropped });
  await page
    .getByRole('log', { name: 'Messages' })
    .dispatchEvent('drop', { dataTransfer: dropped });
  await expect(page.getByRole('progressbar', { name: 'dropped.txt uploaded' })).toBeVisible();
  // Dropped outside the conversation (the sidebar), a file is ignored, not opened in the tab.
  const ignored = await page
    .getByRole('navigation', { name: 'Conversations' })
    .evaluate((nav, data) => {
      const drop = new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true });
      return !nav.dispatchEvent(drop);
    }, dropped);
  expect(ignored).toBe(true);

  // A screenshot pasted into the box.
  await composer(page).evaluate((box, base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
    box.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, PNG.toString('base64'));
  await expect(page.getByRole('progressbar', { name: 'image.png uploaded' })).toBeVisible();
  await expect(composer(page)).toHaveValue('');
  await expect(chips(page)).toHaveCount(2);

  // Removing a finished upload asks the server to forget it; the other one is sent alone.
  const [removal] = await Promise.all([
    page.waitForRequest((request) => request.method() === 'DELETE'),
    page.getByRole('button', { name: 'Remove dropped.txt' }).click(),
  ]);
  expect((await removal.response())?.status()).toBe(200);
  await expect(chips(page)).toHaveCount(1);
  await sendButton(page).click();
  await expect(messages(page).getByAltText('image.png')).toBeVisible();
  await expect(messages(page).getByTestId('file-card')).toHaveCount(0);
  // Where the picture cannot show, its name stands in for the empty text.
  await expect(roomLink(page, room).getByTestId('preview')).toHaveText('You: 📎 image.png');
  expect(deletes).toHaveLength(1);
  await context.close();
});

test('a refusal by the server shows on its chip, and the other files can still be sent', async ({
  browser,
}) => {
  const { context, page } = await signedInUser(browser, 'Erin');
  await createRoom(page, `Refusals ${uniqueSuffix()}`, 'public');
  // A name of only spaces: the page lets it through, the server keeps no empty name.
  await attachInput(page).setInputFiles([
    { name: '   ', mimeType: 'text/plain', buffer: Buffer.from('nameless') },
    { name: 'kept.txt', mimeType: 'text/plain', buffer: Buffer.from('kept') },
  ]);
  const refused = chips(page).and(page.locator('[data-state="failed"]'));
  await expect(refused.getByRole('alert')).toHaveText('The file needs a name');
  await expect(page.getByRole('progressbar', { name: 'kept.txt uploaded' })).toBeVisible();
  await sendButton(page).click();
  await expect(chips(page)).toHaveCount(0);
  await expect(messages(page).getByTestId('file-card')).toHaveText(/kept\.txt/);
  await context.close();
});

test('files over the limits are refused in the composer, before any upload', async ({
  browser,
}) => {
  const { context, page } = await signedInUser(browser, 'Carol');
  await createRoom(page, `Limits ${uniqueSuffix()}`, 'public');
  const uploads: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/media/files')) uploads.push(request.url());
  });
  const form = page.getByRole('form', { name: 'Send a message' });

  // One byte over 50 MiB (a sparse file: nothing is written).
  const big = join(tmpdir(), `confab-big-${uniqueSuffix()}.bin`);
  await writeFile(big, '');
  await truncate(big, 50 * 1024 * 1024 + 1);
  await attachInput(page).setInputFiles(big);
  await expect(form.getByRole('alert')).toHaveText(
    `“${big.split('/').pop()}” is larger than 50 MB`,
  );

  const eleven = Array.from({ length: 11 }, (_, i) => ({
    name: `f${i}.txt`,
    mimeType: 'text/plain',
    buffer: Buffer.from(`${i}`),
  }));
  await attachInput(page).setInputFiles(eleven);
  await expect(form.getByRole('alert')).toHaveText('A message can carry at most 10 files');

  await expect(chips(page)).toHaveCount(0);
  await expect(sendButton(page)).toBeDisabled();
  expect(uploads).toEqual([]);
  await context.close();
});
