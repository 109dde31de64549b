import { expect, type Page, test } from '@playwright/test';
import { apiUser, mutate, seedRoom } from '../fixtures/api';
import {
  composer,
  createRoom,
  joinPublicRoom,
  messageBodies,
  messageRow,
  roomLink,
  send,
  signedInUser,
  signIn,
  uniqueSuffix,
} from '../fixtures/chat';

const threadPanel = (page: Page) => page.getByTestId('thread');
const threadReplies = (page: Page) =>
  threadPanel(page).getByTestId('thread-reply').getByTestId('thread-message-body');

/** Opens a message's menu action ("Reply", "Reply in thread", "Pin message"…). */
async function menuAction(page: Page, body: string, action: string): Promise<void> {
  const row = messageRow(page, body);
  await row.hover();
  await row.getByRole('button', { name: action, exact: true }).click();
}

async function replyInThread(page: Page, text: string, alsoInRoom = false): Promise<void> {
  const panel = threadPanel(page);
  if (alsoInRoom) await panel.getByRole('checkbox', { name: 'Also send to room' }).check();
  await panel.getByRole('textbox', { name: 'Reply' }).fill(text);
  await panel.getByRole('textbox', { name: 'Reply' }).press('Enter');
  await expect(panel.getByRole('textbox', { name: 'Reply' })).toHaveValue('');
}

test('a thread: A starts it, B sees "1 reply" live, opens it and answers "also to the room"; counts and messages agree on both screens', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const [a, b] = await Promise.all([signedInUser(browser, 'Alice'), signedInUser(browser, 'Bob')]);
  const room = `Threads ${uniqueSuffix()}`;
  await createRoom(a.page, room, 'public');
  await joinPublicRoom(b.page, room);
  const root = `Where do we meet? ${uniqueSuffix()}`;
  await send(a.page, root);
  await expect(messageRow(b.page, root)).toBeVisible();

  await menuAction(a.page, root, 'Reply in thread');
  await expect(threadPanel(a.page).getByTestId('thread-root')).toContainText(root);
  await expect(threadPanel(a.page).getByTestId('thread-panel-count')).toHaveText('0 replies');
  const first = 'In the lobby';
  await replyInThread(a.page, first);
  await expect(threadReplies(a.page)).toHaveText([first]);

  // Bob sees the count on the root, live; the reply itself is not in the room's timeline.
  const bobLink = messageRow(b.page, root).getByTestId('thread-link');
  await expect(bobLink.getByTestId('thread-count')).toHaveText('1 reply');
  await expect(messageRow(a.page, root).getByTestId('thread-count')).toHaveText('1 reply');
  await expect(messageRow(b.page, first)).toHaveCount(0);

  await bobLink.click();
  await expect(threadPanel(b.page).getByTestId('thread-root')).toContainText(root);
  await expect(threadReplies(b.page)).toHaveText([first]);
  const second = 'At ten, see you there';
  await replyInThread(b.page, second, true);

  for (const page of [a.page, b.page]) {
    // The thread has both replies, in order, on both screens (Alice's panel is still open).
    await expect(threadReplies(page)).toHaveText([first, second]);
    await expect(threadPanel(page).getByTestId('thread-panel-count')).toHaveText('2 replies');
    await expect(messageRow(page, root).getByTestId('thread-count')).toHaveText('2 replies');
    // The room has the root and the "also send to room" copy, not the thread-only reply.
    await expect(messageBodies(page)).toHaveText([root, second]);
  }

  // A reaction on a reply, in the thread panel, shows in the other member's panel live.
  const replyIn = (page: Page) =>
    threadPanel(page).getByTestId('thread-reply').filter({ hasText: first });
  await replyIn(b.page).getByRole('button', { name: 'Add reaction' }).click();
  await threadPanel(b.page).getByRole('searchbox', { name: 'Search emoji' }).fill('party popper');
  await threadPanel(b.page).getByRole('button', { name: 'party popper', exact: true }).click();
  await expect(replyIn(a.page).getByTestId('reaction')).toHaveAccessibleName(/ 1: Bob$/);
  await expect(replyIn(b.page).getByTestId('reaction')).toHaveAttribute('aria-pressed', 'true');

  // A reload reads the same from the server.
  await b.page.reload();
  await expect(messageBodies(b.page)).toHaveText([root, second]);
  await expect(messageRow(b.page, root).getByTestId('thread-count')).toHaveText('2 replies');
  // The room's copy of the reply leads to its thread.
  await expect(threadPanel(b.page)).toHaveCount(0);
  await messageRow(b.page, second).getByTestId('in-thread-link').click();
  await expect(threadReplies(b.page)).toHaveText([first, second]);
  // Escape in the panel closes it.
  await expect(threadPanel(b.page).getByRole('textbox', { name: 'Reply' })).toBeFocused();
  await b.page.keyboard.press('Escape');
  await expect(threadPanel(b.page)).toHaveCount(0);
});

test('a reply quotes its original; Escape cancels a reply; a quote of a message far back in history fetches it and jumps to it', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const suffix = uniqueSuffix();
  const ann = await apiUser(`ann_${suffix}`, 'Ann');
  const ben = await apiUser(`ben_${suffix}`, 'Ben');
  const room = `Quotes ${suffix}`;
  const { id: roomId } = await mutate<{ id: string }>(
    'room.create',
    { kind: 'public', name: room },
    ann.token,
  );
  await mutate('room.join', { roomId }, ben.token);
  const original = `The original, far back ${suffix}`;
  const { id: originalId } = await mutate<{ id: string }>(
    'message.send',
    { roomId, body: original, clientMsgId: `orig-${suffix}` },
    ann.token,
  );
  // More than a page (50) after it, so the room opens without it.
  await seedRoom(ann, roomId, 120);
  const reply = `Answering that ${suffix}`;
  const { seq } = await mutate<{ seq: number }>(
    'message.send',
    { roomId, body: reply, clientMsgId: `reply-${suffix}`, replyToId: originalId },
    ben.token,
  );
  // Ben has read it all: the room opens at its newest messages, not at the first unread.
  await mutate('message.markRead', { roomId, seq }, ben.token);

  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, ben);
  await roomLink(page, room).click();
  const replyRow = messageRow(page, reply);
  await expect(replyRow).toBeVisible();
  await expect(messageRow(page, original)).toHaveCount(0);
  // The quote was read with message.byIds: author and text.
  const quote = replyRow.getByTestId('reply-quote');
  await expect(quote).toContainText('Ann');
  await expect(quote).toContainText(original);

  // Reply from the menu: the bar names whom; Escape cancels; a sent reply shows the quote.
  await menuAction(page, reply, 'Reply');
  const bar = page.getByTestId('reply-bar');
  await expect(bar).toContainText(`Replying to Ben: ${reply}`);
  await expect(composer(page)).toBeFocused();
  await composer(page).press('Escape');
  await expect(bar).toBeHidden();
  await menuAction(page, reply, 'Reply');
  await expect(bar).toBeVisible();
  const mine = `Agreed ${suffix}`;
  await send(page, mine);
  await expect(bar).toBeHidden();
  await expect(messageRow(page, mine).getByTestId('reply-quote')).toContainText(reply);

  // Clicking the far quote opens the message link: the original, loaded and highlighted.
  await quote.click();
  await expect(page).toHaveURL(new RegExp(`#/rooms/${roomId}/messages/${originalId}$`));
  const target = messageRow(page, original);
  await expect(target).toBeVisible();
  await expect(target).toHaveAttribute('aria-current', 'true');
});

test('a pinned message shows its mark, and appears live in the other member\'s "Pinned" list, which jumps to it', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const [a, b] = await Promise.all([signedInUser(browser, 'Alice'), signedInUser(browser, 'Bob')]);
  const room = `Pins ${uniqueSuffix()}`;
  await createRoom(a.page, room, 'public');
  await joinPublicRoom(b.page, room);
  const body = `Meeting notes live here ${uniqueSuffix()}`;
  await send(a.page, body);
  await send(a.page, 'Something else');

  // Bob has the room details open before the pin: the list follows live.
  await b.page.getByRole('button', { name: 'Members' }).click();
  const pinned = b.page.getByTestId('pinned-list');
  await expect(pinned).toContainText('No pinned messages.');

  await menuAction(a.page, body, 'Pin message');
  await expect(messageRow(a.page, body).getByTestId('pinned-mark')).toBeVisible();
  await expect(messageRow(b.page, body).getByTestId('pinned-mark')).toBeVisible();
  await expect(pinned.getByTestId('pinned-item')).toHaveCount(1);
  await expect(pinned.getByTestId('pinned-item')).toContainText(body);
  await expect(pinned.getByTestId('pinned-item')).toContainText('Alice');

  await pinned.getByTestId('pinned-item').click();
  await expect(b.page).toHaveURL(/#\/rooms\/[\w-]+\/messages\/[\w-]+$/);
  await expect(messageRow(b.page, body)).toHaveAttribute('aria-current', 'true');

  // Unpinned: the mark and the list entry go.
  await menuAction(a.page, body, 'Unpin message');
  await expect(messageRow(b.page, body).getByTestId('pinned-mark')).toHaveCount(0);
  // (The room details may have stayed open through the jump, or not.)
  if (!(await pinned.isVisible())) await b.page.getByRole('button', { name: 'Members' }).click();
  await expect(pinned).toContainText('No pinned messages.');
});
