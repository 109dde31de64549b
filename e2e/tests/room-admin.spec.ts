import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import {
  conversationTitle,
  createRoom,
  joinPublicRoom,
  messageAuthors,
  messageRow,
  roomLink,
  send,
  signedInUser,
  uniqueSuffix,
} from '../fixtures/chat';

/**
 * Room administration from the app (issue 17): owners and admins rename a room, change its topic
 * and who can join, change roles, hand the room over and remove people, everyone seeing it live;
 * what cannot be undone asks first; authors keep their names after leaving.
 */

const membersPanel = (page: Page) => page.getByRole('complementary', { name: 'Members' });
const settingsPanel = (page: Page) => page.getByRole('complementary', { name: 'Room settings' });

async function openMembers(page: Page) {
  await page.getByRole('button', { name: 'Members', exact: true }).click();
  await expect(membersPanel(page)).toBeVisible();
}

async function openSettings(page: Page) {
  await openMembers(page);
  await membersPanel(page).getByRole('button', { name: 'Room settings' }).click();
  await expect(settingsPanel(page)).toBeVisible();
}

/** What axe-core finds serious or critical inside `selector`, one line each. */
async function seriousViolations(page: Page, selector: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).include(selector).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

/** A person's row in the settings' People list, by display name. */
const adminRow = (page: Page, name: string) =>
  settingsPanel(page).getByTestId('admin-member').filter({ hasText: name });

/** A person's role and presence in the members panel ("admin · Online"). */
const memberStatus = (page: Page, username: string) =>
  membersPanel(page)
    .getByTestId('member')
    .filter({ hasText: `@${username}` })
    .getByTestId('member-presence');

test('the owner renames a room, changes its topic and makes it private: members see it live, Browse stops listing it', async ({
  browser,
}) => {
  const [owner, member, outsider] = await Promise.all([
    signedInUser(browser, 'Olive'),
    signedInUser(browser, 'Milo'),
    signedInUser(browser, 'Otto'),
  ]);
  const room = `Plans ${uniqueSuffix()}`;
  await createRoom(owner.page, room, 'public');
  await joinPublicRoom(member.page, room);
  await openSettings(owner.page);
  const settings = settingsPanel(owner.page);
  // Focus moves into the settings (their heading) when they open.
  await expect(settings.getByRole('heading', { name: 'Room settings' })).toBeFocused();

  // A name of spaces is refused at its field, and nothing changes.
  await settings.getByLabel('Room name').fill('   ');
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings.getByLabel('Room name')).toHaveAttribute('aria-invalid', 'true');
  await expect(settings.getByTestId('field-error')).toHaveCount(1);
  await expect(conversationTitle(member.page)).toHaveText(room);

  const renamed = `Roadmap ${uniqueSuffix()}`;
  const topic = `Where we go next ${uniqueSuffix()}`;
  await settings.getByLabel('Room name').fill(renamed);
  await settings.getByLabel('Topic').fill(topic);
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings.getByText('Saved.')).toBeVisible();
  await expect(settings.getByTestId('field-error')).toHaveCount(0);

  // Live on the member's screen: the header (name and topic) and the sidebar.
  await expect(conversationTitle(member.page)).toHaveText(renamed);
  await expect(member.page.getByTestId('conversation-subtitle')).toContainText(topic);
  await expect(roomLink(member.page, renamed)).toBeVisible();
  await expect(roomLink(member.page, room)).toHaveCount(0);
  await expect(roomLink(owner.page, renamed)).toBeVisible();

  // Still public: the outsider finds it under its new name.
  await outsider.page.getByRole('link', { name: 'Browse', exact: true }).click();
  await outsider.page.getByLabel('Search public rooms').fill(renamed);
  await expect(
    outsider.page.getByRole('button', { name: `Join ${renamed}`, exact: true }),
  ).toBeVisible();

  await settings.getByRole('radio', { name: /^Private/ }).check();
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings.getByText('Saved.')).toBeVisible();

  // Private now: Browse, opened afresh, does not list it.
  await outsider.page.reload();
  await outsider.page.getByRole('link', { name: 'Browse', exact: true }).click();
  await outsider.page.getByLabel('Search public rooms').fill(renamed);
  await expect(outsider.page.getByText(`No public room matches “${renamed}”.`)).toBeVisible();
  await expect(outsider.page.getByRole('button', { name: `Join ${renamed}` })).toHaveCount(0);
  // The member is still in it.
  await expect(roomLink(member.page, renamed)).toBeVisible();

  for (const d of [owner, member, outsider]) await d.context.close();
});

test('the owner makes a member an admin, removes one after confirming, and hands the room over after confirming', async ({
  browser,
}) => {
  const [owner, bea, cal] = await Promise.all([
    signedInUser(browser, 'Oona'),
    signedInUser(browser, 'Bea'),
    signedInUser(browser, 'Cal'),
  ]);
  const room = `Team ${uniqueSuffix()}`;
  await createRoom(owner.page, room, 'public');
  await joinPublicRoom(bea.page, room);
  await joinPublicRoom(cal.page, room);
  await openMembers(bea.page);
  // A member has no settings to open.
  await expect(membersPanel(bea.page).getByRole('button', { name: 'Room settings' })).toHaveCount(
    0,
  );
  await openSettings(owner.page);
  expect(await seriousViolations(owner.page, '#room-details')).toEqual([]);

  // Promote: shown on the owner's screen and on Bea's.
  await adminRow(owner.page, 'Bea').getByRole('button', { name: 'Make admin' }).click();
  await expect(adminRow(owner.page, 'Bea').getByTestId('admin-member-role')).toHaveText('admin');
  await expect(memberStatus(bea.page, bea.user.username)).toContainText('admin');
  // Bea, an admin now, gets the settings button.
  await expect(membersPanel(bea.page).getByRole('button', { name: 'Room settings' })).toBeVisible();

  // Remove Cal: the dialog takes focus; Escape cancels and gives focus back; then confirm.
  const removeCal = adminRow(owner.page, 'Cal').getByRole('button', { name: 'Remove' });
  await removeCal.click();
  const removeDialog = owner.page.getByRole('dialog', { name: 'Remove Cal?' });
  await expect(removeDialog).toBeVisible();
  await expect(removeDialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  expect(await seriousViolations(owner.page, '.confirm-dialog')).toEqual([]);
  await owner.page.keyboard.press('Escape');
  await expect(removeDialog).toHaveCount(0);
  await expect(removeCal).toBeFocused();
  await expect(settingsPanel(owner.page)).toBeVisible();
  await expect(roomLink(cal.page, room)).toBeVisible();

  await removeCal.click();
  await removeDialog.getByRole('button', { name: 'Remove' }).click();
  await expect(removeDialog).toHaveCount(0);
  await expect(adminRow(owner.page, 'Cal')).toHaveCount(0);
  // Cal's sidebar loses the room, live, and the open conversation says why.
  await expect(roomLink(cal.page, room)).toHaveCount(0);
  await expect(cal.page.getByText('You are no longer a member of this room.')).toBeVisible();

  // Hand the room to Bea: asked first, then the roles swap on both screens.
  await adminRow(owner.page, 'Bea').getByRole('button', { name: 'Make owner' }).click();
  const handDialog = owner.page.getByRole('dialog', { name: 'Make Bea the owner?' });
  await expect(handDialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await handDialog.getByRole('button', { name: 'Make owner' }).click();
  await expect(handDialog).toHaveCount(0);
  await expect(adminRow(owner.page, 'Bea').getByTestId('admin-member-role')).toHaveText('owner');
  // The former owner, an admin now, can no longer change roles.
  await expect(adminRow(owner.page, 'Bea').getByRole('button')).toHaveCount(0);
  await expect(memberStatus(bea.page, bea.user.username)).toContainText('owner');
  await expect(memberStatus(bea.page, owner.user.username)).toContainText('admin');
  await owner.page.getByRole('button', { name: 'Back to members' }).click();
  await expect(memberStatus(owner.page, owner.user.username)).toContainText('admin');
  await expect(memberStatus(owner.page, bea.user.username)).toContainText('owner');

  for (const d of [owner, bea, cal]) await d.context.close();
});

test('a member who wrote and then left keeps their display name on their messages', async ({
  browser,
}) => {
  const [owner, leaver] = await Promise.all([
    signedInUser(browser, 'Ada'),
    signedInUser(browser, 'Lenny'),
  ]);
  const room = `Archive ${uniqueSuffix()}`;
  await createRoom(owner.page, room, 'public');
  await joinPublicRoom(leaver.page, room);
  const text = `Goodbye and thanks ${uniqueSuffix()}`;
  await send(leaver.page, text);
  await expect(messageRow(owner.page, text)).toBeVisible();

  // A public room: leaving asks nothing (joining again is one click).
  await openMembers(leaver.page);
  await membersPanel(leaver.page).getByRole('button', { name: 'Leave room' }).click();
  await expect(roomLink(leaver.page, room)).toHaveCount(0);
  await expect(leaver.page.getByRole('dialog')).toHaveCount(0);

  await openMembers(owner.page);
  await expect(membersPanel(owner.page).getByTestId('member')).toHaveCount(1);
  await expect(messageAuthors(owner.page)).toHaveText(['Lenny']);
  // From history too, with nothing known beforehand.
  await owner.page.reload();
  await expect(messageRow(owner.page, text)).toBeVisible();
  await expect(messageAuthors(owner.page)).toHaveText(['Lenny']);
  await expect(owner.page.getByText('Former member')).toHaveCount(0);

  for (const d of [owner, leaver]) await d.context.close();
});

test('leaving a private room asks first: Cancel keeps you in, confirming leaves', async ({
  browser,
}) => {
  const [owner, guest] = await Promise.all([
    signedInUser(browser, 'Pia'),
    signedInUser(browser, 'Gus'),
  ]);
  const room = `Secret ${uniqueSuffix()}`;
  await createRoom(owner.page, room, 'private');
  await openMembers(owner.page);
  await membersPanel(owner.page).getByLabel('Invite by username').fill(guest.user.username);
  await membersPanel(owner.page).getByRole('button', { name: 'Invite' }).click();
  await roomLink(guest.page, room).click();
  await expect(conversationTitle(guest.page)).toHaveText(room);

  await openMembers(guest.page);
  const leave = membersPanel(guest.page).getByRole('button', { name: 'Leave room' });
  await leave.click();
  const dialog = guest.page.getByRole('dialog', { name: `Leave ${room}?` });
  await expect(dialog).toContainText('private');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(leave).toBeFocused();
  await expect(roomLink(guest.page, room)).toBeVisible();
  await expect(membersPanel(owner.page).getByTestId('member')).toHaveCount(2);

  await leave.click();
  await dialog.getByRole('button', { name: 'Leave room' }).click();
  await expect(roomLink(guest.page, room)).toHaveCount(0);
  await expect(membersPanel(owner.page).getByTestId('member')).toHaveCount(1);

  for (const d of [owner, guest]) await d.context.close();
});
