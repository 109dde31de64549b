import { expect, test } from '@playwright/test';
import { messageBodies, messageRow, openRoomId, send, twoUserChat } from '../fixtures/chat';

test('a message the server refuses is marked failed, with Retry and Discard, and never posted', async ({
  browser,
}) => {
  const { a, b, bodies } = await twoUserChat(browser);
  const roomId = openRoomId(a.page);
  const members = await a.page.request.get(
    `/trpc/room.members?input=${encodeURIComponent(JSON.stringify({ roomId }))}`,
  );
  const list = (await members.json()) as {
    result: { data: { userId: string; username: string }[] };
  };
  const bob = list.result.data.find((m) => m.username === b.user.username);
  if (!bob) throw new Error('Bob is not a member');

  // Bob writes while offline; meanwhile Alice removes him from the room.
  await b.context.setOffline(true);
  await send(b.page, 'Did I miss anything?');
  await expect(messageRow(b.page, 'Did I miss anything?')).toHaveAttribute(
    'data-status',
    'pending',
  );
  const removed = await a.page.request.post('/trpc/room.removeMember', {
    data: { roomId, userId: bob.userId },
  });
  expect(removed.ok()).toBe(true);

  await b.context.setOffline(false);
  const failed = messageRow(b.page, 'Did I miss anything?');
  await expect(failed).toHaveAttribute('data-status', 'failed');
  await expect(failed.getByTestId('message-status')).toContainText('Not sent: Join the room first');
  await expect(b.page.getByText('You are no longer a member of this room.')).toBeVisible();

  await failed.getByRole('button', { name: 'Retry' }).click();
  await expect(failed).toHaveAttribute('data-status', 'failed');
  await failed.getByRole('button', { name: 'Discard' }).click();
  await expect(failed).toHaveCount(0);
  await expect(messageBodies(b.page)).toHaveText(bodies);
  // Alice never got it.
  await send(a.page, 'Room is quieter now');
  await expect(messageBodies(a.page)).toHaveText([...bodies, 'Room is quieter now']);
  await a.context.close();
  await b.context.close();
});
