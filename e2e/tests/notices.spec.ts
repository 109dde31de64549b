import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import {
  conversationTitle,
  createRoom,
  joinPublicRoom,
  log,
  messageRow,
  roomLink,
  send,
  signedInUser,
  uniqueSuffix,
} from '../fixtures/chat';

/**
 * The conversation shows who came and went and what changed (issue 17): joins, a rename, a
 * removal and a leave are lines of the log between the messages, live and, after a reload, from
 * history, in the same order.
 */

const membersPanel = (page: Page) => page.getByRole('complementary', { name: 'Members' });
const settingsPanel = (page: Page) => page.getByRole('complementary', { name: 'Room settings' });
/** The notice lines of the open conversation, top to bottom (without their times). */
const noticeLines = (page: Page) => log(page).getByTestId('notice').locator('.notice-text');

async function openMembers(page: Page) {
  await page.getByRole('button', { name: 'Members', exact: true }).click();
  await expect(membersPanel(page)).toBeVisible();
}

test("an admin's rename and removal and a member's leaving show in everyone's timeline, also from history", async ({
  browser,
}) => {
  // Four people, each in a browser context of their own: signing them up alone took 40 s of a
  // 70 s run on this 2-core machine with other suites beside it (measured).
  test.slow();
  const [owner, watcher, removed, leaver] = await Promise.all([
    signedInUser(browser, 'Nora'),
    signedInUser(browser, 'Ivo'),
    signedInUser(browser, 'Cal'),
    signedInUser(browser, 'Dex'),
  ]);
  const room = `Crew ${uniqueSuffix()}`;
  await createRoom(owner.page, room, 'public');
  await joinPublicRoom(watcher.page, room);
  await joinPublicRoom(removed.page, room);
  await joinPublicRoom(leaver.page, room);
  const hello = `Morning all ${uniqueSuffix()}`;
  await send(owner.page, hello);
  await expect(messageRow(watcher.page, hello)).toBeVisible();

  // The owner renames the room in its settings.
  await openMembers(owner.page);
  await membersPanel(owner.page).getByRole('button', { name: 'Room settings' }).click();
  const settings = settingsPanel(owner.page);
  const renamed = `Ops ${uniqueSuffix()}`;
  await settings.getByLabel('Room name').fill(renamed);
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings.getByText('Saved.')).toBeVisible();
  await expect(conversationTitle(watcher.page)).toHaveText(renamed);

  // ...removes Cal, confirming...
  await settings
    .getByTestId('admin-member')
    .filter({ hasText: 'Cal' })
    .getByRole('button', { name: 'Remove' })
    .click();
  await owner.page
    .getByRole('dialog', { name: 'Remove Cal?' })
    .getByRole('button', { name: 'Remove' })
    .click();
  await expect(roomLink(removed.page, renamed)).toHaveCount(0);

  // ...and Dex leaves (a public room: no question asked).
  await openMembers(leaver.page);
  await membersPanel(leaver.page).getByRole('button', { name: 'Leave room' }).click();
  await expect(roomLink(leaver.page, renamed)).toHaveCount(0);

  const expected = [
    'Nora created the room',
    'Ivo joined',
    'Cal joined',
    'Dex joined',
    `Nora renamed the room to “${renamed}”`,
    'Nora removed Cal',
    'Dex left',
  ];
  // Live on Ivo's screen: the lines that came before he joined (from the history he opened
  // with), then the rest as they happened, each once.
  await expect(noticeLines(watcher.page)).toHaveText(expected);
  // Between the messages, by seq: the joins before the first message, the changes after it.
  const rows = log(watcher.page).locator('[data-testid="notice"], [data-testid="message"]');
  await expect(rows).toHaveCount(expected.length + 1);
  await expect(rows.nth(4)).toHaveAttribute('data-testid', 'message');
  await expect(rows.nth(4)).toContainText(hello);

  // Text in the log, not controls: nothing in them takes focus; axe finds nothing serious.
  await expect(
    log(watcher.page).getByTestId('notice').locator('a, button, input, [tabindex]'),
  ).toHaveCount(0);
  const { violations } = await new AxeBuilder({ page: watcher.page })
    .include('[data-testid="notice"]')
    .analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

  // From history after a reload, the same lines in the same places; and on the owner's screen.
  await watcher.page.reload();
  await expect(messageRow(watcher.page, hello)).toBeVisible();
  await expect(noticeLines(watcher.page)).toHaveText(expected);
  await expect(rows.nth(4)).toContainText(hello);
  await owner.page.reload();
  await expect(noticeLines(owner.page)).toHaveText(expected);

  for (const d of [owner, watcher, removed, leaver]) await d.context.close();
});
