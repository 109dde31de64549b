import { expect, type Locator, test } from '@playwright/test';
import { apiSend, apiUser, mutate, query, seedRoom } from '../fixtures/api';
import { log, messageBodies, messageRow, roomLink, signIn, uniqueSuffix } from '../fixtures/chat';

const TOTAL = 500;

/** Where an element sits in the log's viewport (px from the log's top edge). */
async function offsetIn(row: Locator, container: Locator): Promise<number> {
  const [r, c] = await Promise.all([row.boundingBox(), container.boundingBox()]);
  if (!r || !c) throw new Error('not laid out');
  return r.y - c.y;
}

test('500 messages of history scroll back to the first without the view jumping; new ones wait behind a pill', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const owner = await apiUser(`kim_${uniqueSuffix()}`, 'Kim');
  const room = `Archive ${uniqueSuffix()}`;
  const { id: roomId } = await mutate<{ id: string }>(
    'room.create',
    { kind: 'public', name: room },
    owner.token,
  );
  // Several authors post at once: the room's order is the order the server gave them.
  const bodies = await seedRoom(owner, roomId, TOTAL);
  // All read: the room opens at its newest message (with unread ones it opens at the first).
  const mine = await query<{ room: { id: string; lastSeq: number } }[]>(
    'room.mine',
    {},
    owner.token,
  );
  const lastSeq = mine.find((s) => s.room.id === roomId)?.room.lastSeq ?? 0;
  await mutate('message.markRead', { roomId, seq: lastSeq }, owner.token);

  await signIn(page, owner);
  await roomLink(page, room).click();
  const view = log(page);
  await expect(messageBodies(page).last()).toHaveText(bodies.at(-1) ?? '');
  await expect(messageBodies(page).last()).toBeInViewport();
  await expect(messageBodies(page)).toHaveCount(50);

  // Scroll to the top again and again: each time a page of older messages comes in above, and
  // the message that was at the top stays exactly where it was on screen.
  for (let shown = 50; shown < TOTAL; ) {
    const firstText = await messageBodies(page).first().textContent();
    const before = await view.evaluate((el) => {
      el.scrollTop = 0;
      const first = el.querySelector('[data-testid="message-body"]');
      if (!first) throw new Error('no message');
      return first.getBoundingClientRect().top - el.getBoundingClientRect().top;
    });
    shown = Math.min(TOTAL, shown + 100);
    await expect(messageBodies(page)).toHaveCount(shown);
    const anchor = messageRow(page, firstText ?? '').getByTestId('message-body');
    expect(Math.abs((await offsetIn(anchor, view)) - before)).toBeLessThanOrEqual(1);
  }
  await view.evaluate((el) => {
    el.scrollTop = 0;
  });
  await expect(messageBodies(page).first()).toHaveText(bodies[0] ?? '');
  await expect(page.getByText(`This is the beginning of #${room}.`)).toBeVisible();
  expect(await messageBodies(page).allTextContents()).toEqual(bodies);

  // Scrolled up, a new message does not move the view: a pill says it is there.
  const first = messageRow(page, bodies[0] ?? '');
  const top = await offsetIn(first, view);
  await apiSend(owner, roomId, 'A brand new message');
  const pill = page.getByRole('button', { name: '1 new message' });
  await expect(pill).toBeVisible();
  expect(await offsetIn(first, view)).toBe(top);
  await pill.click();
  await expect(messageBodies(page).last()).toHaveText('A brand new message');
  await expect(messageBodies(page).last()).toBeInViewport();
  await expect(pill).toHaveCount(0);
});
