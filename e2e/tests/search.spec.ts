import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { apiSend, apiUser, mutate, seedRoom } from '../fixtures/api';
import { messageRow, signIn, type TestUser, uniqueSuffix } from '../fixtures/chat';

/** Signs `user` in, opens Search from the sidebar (the box takes the focus) and searches `text`. */
async function searchAs(page: Page, user: TestUser, text: string): Promise<void> {
  await signIn(page, user);
  await page.getByRole('link', { name: 'Search messages' }).click();
  const box = page.getByRole('searchbox', { name: 'Search messages' });
  await expect(box).toBeFocused();
  await box.fill(text);
  await box.press('Enter');
}

test('search finds a message in a room and not in a room you left; opening a result shows the message', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const suffix = uniqueSuffix();
  const ann = await apiUser(`ann_${suffix}`, 'Ann');
  const ben = await apiUser(`ben_${suffix}`, 'Ben');
  const kept = `Kept ${suffix}`;
  const left = `Left ${suffix}`;
  const create = async (name: string) =>
    (await mutate<{ id: string }>('room.create', { kind: 'public', name }, ann.token)).id;
  const [keptRoom, leftRoom] = await Promise.all([create(kept), create(left)]);
  for (const roomId of [keptRoom, leftRoom]) await mutate('room.join', { roomId }, ben.token);
  // A word of its own, so that no other test's message is found.
  const word = `quokka${suffix}`;
  const found = `The ${word} budget is approved`;
  const target = await apiSend(ann, keptRoom, found);
  await apiSend(ann, leftRoom, `${word} plans in the room Ben leaves`);
  await mutate('room.leave', { roomId: leftRoom }, ben.token);
  // Enough newer messages that the found one is not on the room's newest page: opening the
  // result has to jump to it.
  await seedRoom(ann, keptRoom, 60);

  await signIn(page, ben);
  await page.keyboard.press('ControlOrMeta+K');
  await expect(page.getByRole('heading', { name: 'Search messages' })).toBeVisible();
  const box = page.getByRole('searchbox', { name: 'Search messages' });
  await expect(box).toBeFocused();
  // The last word is a prefix: the first letters of the word find it.
  await box.fill(`budget ${word.slice(0, -2)}`);
  await box.press('Enter');

  const results = page.getByRole('list', { name: 'Search results' }).getByRole('listitem');
  await expect(results).toHaveCount(1);
  await expect(results.first()).toContainText(kept);
  await expect(results.first()).toContainText('Ann');
  await expect(results.first().locator('mark')).toHaveText([word, 'budget']);
  await expect(page.getByText(left)).toHaveCount(0);
  // axe-core finds nothing serious or critical on the search page with its results, nor in the
  // sidebar's way to it, in either theme (the marks keep their contrast on a dark page too).
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page })
      .include('main')
      .include('.sidebar-search')
      .analyze();
    expect(
      violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map(
          (v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
        ),
    ).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: null });

  // Filters narrow it: the room Ben is in, then an author who never wrote it.
  await page.getByRole('combobox', { name: 'Room', exact: true }).selectOption({ label: kept });
  await expect(results).toHaveCount(1);
  await page.getByRole('combobox', { name: 'From', exact: true }).selectOption({ label: 'Me' });
  await expect(page.getByRole('status').filter({ hasText: 'No message matches' })).toBeVisible();
  await expect(results).toHaveCount(0);
  await page.getByRole('combobox', { name: 'From', exact: true }).selectOption({ label: 'Anyone' });
  await expect(results).toHaveCount(1);

  await results.first().getByRole('button').click();
  await expect(page).toHaveURL(new RegExp(`#/rooms/${keptRoom}/messages/${target.id}$`));
  const row = messageRow(page, found);
  await expect(row).toBeInViewport();
  await expect(row).toHaveAttribute('aria-current', 'true');

  // Back to search: the results are where they were.
  await page.keyboard.press('ControlOrMeta+K');
  await expect(results).toHaveCount(1);
  await expect(box).toHaveValue(`budget ${word.slice(0, -2)}`);

  // Paging: the 60 seeded messages all say "History message N"; 20 a page.
  await box.fill('history message');
  await box.press('Enter');
  const more = page.getByRole('button', { name: 'More results' });
  await expect(results).toHaveCount(20);
  await more.click();
  await expect(results).toHaveCount(40);
  await more.click();
  await expect(results).toHaveCount(60);
  await expect(more).toHaveCount(0);
  const shown = await page.locator('.search-result-body').allTextContents();
  expect(new Set(shown).size).toBe(60);
});

test('a match near the end of a long message is shown, cut around it', async ({ page }) => {
  const suffix = uniqueSuffix();
  const cy = await apiUser(`cy_${suffix}`, 'Cy');
  const { id: roomId } = await mutate<{ id: string }>(
    'room.create',
    { kind: 'private', name: `Long ${suffix}` },
    cy.token,
  );
  const word = `needle${suffix}`;
  await apiSend(cy, roomId, `${'hay '.repeat(900)}the ${word} is here ${'straw '.repeat(50)}`);

  await searchAs(page, cy, word);
  const body = page.locator('.search-result-body');
  await expect(body).toHaveCount(1);
  await expect(body.locator('mark')).toHaveText([word]);
  // From a little before the match, 280 characters, an ellipsis at each cut.
  const text = (await body.textContent()) ?? '';
  expect(text.startsWith('…hay ')).toBe(true);
  expect(text.endsWith('…')).toBe(true);
  expect(text.length).toBe(282);
  expect(text.indexOf(word)).toBeLessThan(80);
});

test('when the filters change while a search runs, the results answer the filters on screen, whatever order the answers come in', async ({
  page,
}) => {
  const suffix = uniqueSuffix();
  const dee = await apiUser(`dee_${suffix}`, 'Dee');
  const eli = await apiUser(`eli_${suffix}`, 'Eli');
  const { id: roomId } = await mutate<{ id: string }>(
    'room.create',
    { kind: 'public', name: `Race ${suffix}` },
    dee.token,
  );
  await mutate('room.join', { roomId }, eli.token);
  const word = `marmot${suffix}`;
  await apiSend(dee, roomId, `the ${word} by Dee`);

  // The search with the room filter alone answers late, after the one that also names the
  // author: the app must not show the late answer.
  const roomOnly = (url: string) => {
    const plain = decodeURIComponent(url);
    return (
      plain.includes('message.search') && plain.includes(roomId) && !plain.includes('authorId')
    );
  };
  await page.route('**/trpc/message.search**', async (route) => {
    if (roomOnly(route.request().url())) await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue();
  });

  await searchAs(page, eli, word);
  const results = page.getByRole('list', { name: 'Search results' }).getByRole('listitem');
  await expect(results).toHaveCount(1);
  // Room, then at once From: Me (Eli wrote nothing), before the first answer is back.
  const lateAnswer = page.waitForResponse((response) => roomOnly(response.url()));
  await page
    .getByRole('combobox', { name: 'Room', exact: true })
    .selectOption({ label: `Race ${suffix}` });
  await page.getByRole('combobox', { name: 'From', exact: true }).selectOption({ label: 'Me' });
  await expect(page.getByRole('status').filter({ hasText: 'No message matches' })).toBeVisible();
  // The late answer (one result) comes; the form is busy until it has been handled...
  await lateAnswer;
  await expect(page.getByRole('button', { name: 'Search', exact: true })).toBeEnabled();
  // ...and what is shown still answers Room and From: Me.
  await expect(results).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'No message matches' })).toBeVisible();
});
