import { expect, test } from '@playwright/test';
import {
  connectionStatus,
  conversationTitle,
  createRoom,
  log,
  messageBodies,
  messageRow,
  roomLink,
  send,
  signedInUser,
  twoUserChat,
  uniqueSuffix,
} from '../fixtures/chat';

test('two users chat in a public room and see each other’s messages live, in order', async ({
  browser,
}) => {
  const { a, b } = await twoUserChat(browser);
  await expect(connectionStatus(a.page)).toHaveText('Connected via WebSocket');

  // Addresses become links that open in a new tab, without a handle on this one.
  await send(a.page, 'The guide is at https://example.com/guide?x=1. Read it!');
  const link = log(b.page).getByRole('link', { name: 'https://example.com/guide?x=1' });
  await expect(link).toHaveAttribute('href', 'https://example.com/guide?x=1');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(messageBodies(b.page).last()).toHaveText(
    'The guide is at https://example.com/guide?x=1. Read it!',
  );
  await a.context.close();
  await b.context.close();
});

test('edits and deletions reach the other user: the new text marked edited, a tombstone', async ({
  browser,
}) => {
  const { a, b, bodies } = await twoUserChat(browser);
  await send(a.page, 'Lunch at noon?');
  await send(a.page, 'Bring the teh slides');
  await expect(messageBodies(b.page)).toHaveText([
    ...bodies,
    'Lunch at noon?',
    'Bring the teh slides',
  ]);

  const typo = messageRow(a.page, 'Bring the teh slides');
  await typo.hover();
  await typo.getByRole('button', { name: 'Edit message' }).click();
  await a.page.getByLabel('New text').fill('Bring the slides');
  await a.page.getByLabel('New text').press('Enter');

  const lunch = messageRow(a.page, 'Lunch at noon?');
  await lunch.hover();
  await lunch.getByRole('button', { name: 'Delete message' }).click();
  await lunch.getByRole('button', { name: 'Delete', exact: true }).click();

  for (const { page } of [a, b]) {
    await expect(messageBodies(page)).toHaveText([
      ...bodies,
      'This message was deleted',
      'Bring the slides',
    ]);
    await expect(messageRow(page, 'Bring the slides').getByTestId('edited')).toHaveText('edited');
  }
  // Only one's own messages offer the menu.
  await messageRow(b.page, 'Bring the slides').hover();
  await expect(
    messageRow(b.page, 'Bring the slides').getByRole('button', { name: 'Edit message' }),
  ).toHaveCount(0);
  await a.context.close();
  await b.context.close();
});

test('an invited user sees the private room appear live with its unread count and preview; a DM is named after the other person', async ({
  browser,
}) => {
  const [a, b] = await Promise.all([signedInUser(browser, 'Carol'), signedInUser(browser, 'Dave')]);
  const room = `Private ${uniqueSuffix()}`;
  await createRoom(a.page, room, 'private');
  await a.page.getByRole('button', { name: 'Members' }).click();
  await a.page.getByLabel('Invite by username').fill(b.user.username);
  await a.page.getByRole('button', { name: 'Invite', exact: true }).click();
  await expect(a.page.getByText(`Invited ${b.user.username}.`)).toBeVisible();

  await send(a.page, 'Secret plan');
  await send(a.page, 'Step two');
  // Dave did not reload: the room arrives through his event stream, then its messages.
  const entry = roomLink(b.page, room);
  await expect(entry.getByTestId('unread')).toHaveText('2 unread');
  await expect(entry.getByTestId('preview')).toHaveText('Step two');
  await entry.click();
  await expect(conversationTitle(b.page)).toHaveText(room);
  await expect(messageBodies(b.page)).toHaveText(['Secret plan', 'Step two']);
  await expect(b.page.getByTestId('unread-divider')).toHaveText('New messages');
  await expect(entry.getByTestId('unread')).toHaveCount(0);

  // A direct conversation, opened by username.
  await b.page.getByRole('link', { name: 'Message', exact: true }).click();
  await b.page.getByLabel('Their username').fill(a.user.username);
  await b.page.getByRole('button', { name: 'Open conversation' }).click();
  await expect(conversationTitle(b.page)).toHaveText('Carol');
  await send(b.page, 'Psst');
  await expect(roomLink(a.page, 'Dave').getByTestId('preview')).toHaveText('Psst');
  await roomLink(a.page, 'Dave').click();
  await expect(messageBodies(a.page)).toHaveText(['Psst']);
  await expect(a.page.getByRole('button', { name: 'Members' })).toHaveCount(0);
  await a.context.close();
  await b.context.close();
});
