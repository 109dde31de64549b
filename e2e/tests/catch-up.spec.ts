import { expect, type Page, test } from '@playwright/test';
import { type ApiUser, apiSend, apiUser, mutate, query, seedRoom } from '../fixtures/api';
import { log, messageRow, roomLink, signIn, uniqueSuffix } from '../fixtures/chat';

const UNREAD = 300;

interface Mine {
  room: { id: string; lastSeq: number };
  lastReadSeq: number;
  unreadCount: number;
}

/** The server's read marker of `user` in the room (room.mine, through the API). */
async function readMarker(user: ApiUser, roomId: string): Promise<{ seq: number; last: number }> {
  const rooms = await query<Mine[]>('room.mine', {}, user.token);
  const mine = rooms.find((s) => s.room.id === roomId);
  if (!mine) throw new Error('not a member');
  return { seq: mine.lastReadSeq, last: mine.room.lastSeq };
}

/** The highest seq of a message row that reaches into the log's viewport. */
function highestSeqInView(page: Page): Promise<number> {
  return log(page).evaluate((el) => {
    const view = el.getBoundingClientRect();
    let max = 0;
    for (const row of el.querySelectorAll<HTMLElement>('[data-seq]')) {
      const box = row.getBoundingClientRect();
      if (box.bottom > view.top && box.top < view.bottom)
        max = Math.max(max, Number(row.dataset.seq));
    }
    return max;
  });
}

test('300 unread: the room opens at the first unread, reads as it is seen, jumps back to the first unread and marks all read', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const suffix = uniqueSuffix();
  const ann = await apiUser(`ann_${suffix}`, 'Ann');
  const ben = await apiUser(`ben_${suffix}`, 'Ben');
  const room = `Catch up ${suffix}`;
  const { id: roomId } = await mutate<{ id: string }>(
    'room.create',
    { kind: 'public', name: room },
    ann.token,
  );
  await mutate('room.join', { roomId }, ben.token);
  // What Ben read before he went away.
  let readSeq = 0;
  for (let i = 1; i <= 5; i++) readSeq = (await apiSend(ann, roomId, `Read before ${i}`)).seq;
  await mutate('message.markRead', { roomId, seq: readSeq }, ben.token);
  // While he is away, 300 more (from Ann and a few helpers, to be fast).
  const bodies = await seedRoom(ann, roomId, UNREAD);
  const first = bodies[0] ?? '';
  const newest = bodies.at(-1) ?? '';

  await signIn(page, ben);
  const badge = roomLink(page, room).getByTestId('unread');
  await expect(badge).toHaveText(`${UNREAD} unread`);
  await roomLink(page, room).click();

  // The first unread and the divider above it are in view; the newest is not.
  const divider = page.getByTestId('unread-divider');
  await expect(messageRow(page, first)).toBeInViewport();
  await expect(divider).toBeInViewport();
  await expect(messageRow(page, 'Read before 5')).toBeVisible();
  await expect(messageRow(page, newest)).not.toBeInViewport();

  // What is on screen counts as read, no more: the marker moves past the first unread and stops
  // at the newest row in view, and the sidebar's count drops by as much.
  await expect.poll(async () => (await readMarker(ben, roomId)).seq).toBeGreaterThan(readSeq);
  const marker = await readMarker(ben, roomId);
  expect(marker.seq).toBeLessThanOrEqual(await highestSeqInView(page));
  expect(marker.seq).toBeLessThan(marker.last);
  const countText = async () => Number.parseInt((await badge.textContent()) ?? '0', 10);
  await expect.poll(countText).toBeLessThan(UNREAD);
  const afterOpening = await countText();
  expect(afterOpening).toBeGreaterThan(0);

  // Scrolling down reads more: the marker follows what was in view, the count drops further.
  await log(page).evaluate((el) => {
    el.scrollTop += el.clientHeight * 2;
  });
  await expect.poll(async () => (await readMarker(ben, roomId)).seq).toBeGreaterThan(marker.seq);
  await expect.poll(countText).toBeLessThan(afterOpening);
  const scrolled = await readMarker(ben, roomId);
  expect(scrolled.seq).toBeLessThanOrEqual(await highestSeqInView(page));
  expect(scrolled.seq).toBeLessThan(scrolled.last);

  // The divider is out of view now: "Jump to first unread" brings it back.
  await expect(divider).not.toBeInViewport();
  await page.getByRole('button', { name: 'Jump to first unread' }).click();
  await expect(divider).toBeInViewport();
  await expect(messageRow(page, first)).toBeInViewport();
  await expect(page.getByRole('button', { name: 'Jump to first unread' })).toHaveCount(0);

  // "Mark all as read": the marker goes to the newest, the count and the divider go.
  await page.getByRole('button', { name: 'Mark all as read' }).click();
  await expect(badge).toHaveCount(0);
  await expect(divider).toHaveCount(0);
  await expect.poll(async () => (await readMarker(ben, roomId)).seq).toBe(scrolled.last);

  // At the newest message, a message that arrives while Ben watches gets no divider.
  await page.getByRole('button', { name: 'Jump to latest' }).click();
  await expect(messageRow(page, newest)).toBeInViewport();
  await apiSend(ann, roomId, 'Ben, are you there?');
  await expect(messageRow(page, 'Ben, are you there?')).toBeInViewport();
  await expect(divider).toHaveCount(0);
  const arrived = await readMarker(ben, roomId);
  await expect.poll(async () => (await readMarker(ben, roomId)).seq).toBe(arrived.last);
  await expect(badge).toHaveCount(0);
  await expect(divider).toHaveCount(0);
});
