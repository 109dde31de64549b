import { expect, test } from '@playwright/test';
import { apiUser, mutate, query, seedRoom } from '../fixtures/api';
import { log, messageBodies, messageRow, roomLink, signIn, uniqueSuffix } from '../fixtures/chat';

const TOTAL = 600;

interface Page {
  messages: { id: string; seq: number; body: string }[];
  hasMore: boolean;
}

test('a link to message #50 of 600, copied by one user, opens for another around it, highlighted, and pages forward in order', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const suffix = uniqueSuffix();
  const ann = await apiUser(`ann_${suffix}`, 'Ann');
  const ben = await apiUser(`ben_${suffix}`, 'Ben');
  const room = `Links ${suffix}`;
  const { id: roomId } = await mutate<{ id: string }>(
    'room.create',
    { kind: 'public', name: room },
    ann.token,
  );
  await mutate('room.join', { roomId }, ben.token);
  const bodies = await seedRoom(ann, roomId, TOTAL);
  const at = (n: number) => bodies[n - 1] ?? '';
  const { messages: firstPage } = await query<Page>(
    'message.history',
    { roomId, afterSeq: 0, limit: 100 },
    ann.token,
  );
  const byBody = (body: string) => {
    const found = firstPage.find((m) => m.body === body);
    if (!found) throw new Error(`no ${body}`);
    return found;
  };
  // Ann has read up to #49: her room opens there (catching up), with #50 at hand.
  await mutate('message.markRead', { roomId, seq: byBody(at(49)).seq }, ann.token);

  const annContext = await browser.newContext();
  await annContext.grantPermissions(['clipboard-read', 'clipboard-write']);
  const annPage = await annContext.newPage();
  await signIn(annPage, ann);
  await roomLink(annPage, room).click();
  const target = messageRow(annPage, at(50));
  await expect(target).toBeVisible();
  await target.hover();
  await target.getByRole('button', { name: 'Copy link to message' }).click();
  await expect(target.getByRole('status')).toHaveText('Link copied');
  const link = await annPage.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(
    `${new URL(annPage.url()).origin}/#/rooms/${roomId}/messages/${byBody(at(50)).id}`,
  );

  // Ben opens the link in a fresh page, signed in (the sign-in tab closed: one tab per browser
  // here, as two renderers on this 2-core machine under a parallel suite starved each other).
  const benContext = await browser.newContext();
  const signedIn = await benContext.newPage();
  await signIn(signedIn, ben);
  await signedIn.close();
  const page = await benContext.newPage();
  await page.goto(link);
  const linked = messageRow(page, at(50));
  // A failure guard for a cold page load (app, lazy chunks, 100 messages), not a speed goal.
  await expect(linked).toBeInViewport({ timeout: 30_000 });
  await expect(linked).toHaveAttribute('aria-current', 'true');
  await expect(linked).toHaveClass(/highlighted/);
  await expect(messageRow(page, at(49))).toBeVisible();
  await expect(messageRow(page, at(51))).toBeVisible();
  // A page on each side of it (all 49 before it, 50 after it), not the newest.
  await expect(messageBodies(page)).toHaveCount(49 + 1 + 50);
  await expect(messageRow(page, at(TOTAL))).toHaveCount(0);
  expect(await messageBodies(page).allTextContents()).toEqual(bodies.slice(0, 100));

  // Scrolling down loads newer messages, in order, until the live end.
  for (let shown = 100; shown < TOTAL; ) {
    await log(page).evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    shown = Math.min(TOTAL, shown + 100);
    await expect(messageBodies(page)).toHaveCount(shown);
    expect(await messageBodies(page).allTextContents()).toEqual(bodies.slice(0, shown));
  }
  await expect(page.getByRole('button', { name: 'Jump to latest' })).toHaveCount(0);

  // Further in, scrolling up loads the older messages above it, the view staying where it was.
  await page.goto(`${new URL(link).origin}/#/rooms/${roomId}/messages/${byBody(at(100)).id}`);
  await expect(messageRow(page, at(100))).toBeInViewport();
  await expect(messageRow(page, at(100))).toHaveAttribute('aria-current', 'true');
  await expect(messageBodies(page).first()).toHaveText(at(50));
  const firstBody = messageRow(page, at(50)).getByTestId('message-body');
  const before = await log(page).evaluate((el) => {
    el.scrollTop = 0;
    const first = el.querySelector('[data-testid="message-body"]');
    if (!first) throw new Error('no message');
    return first.getBoundingClientRect().top - el.getBoundingClientRect().top;
  });
  await expect(messageBodies(page).first()).toHaveText(at(1));
  const [row, view] = await Promise.all([firstBody.boundingBox(), log(page).boundingBox()]);
  expect(Math.abs((row?.y ?? 0) - (view?.y ?? 0) - before)).toBeLessThanOrEqual(1);
  expect(await messageBodies(page).allTextContents()).toEqual(bodies.slice(0, 150));

  // A link to a message that is not there (deleted, mistyped) says so and opens the room.
  await page.goto(`${new URL(link).origin}/#/rooms/${roomId}/messages/noSuchMessage0000000000`);
  await expect(page.getByRole('alert')).toHaveText('Message not found');
  await expect(messageRow(page, at(TOTAL))).toBeInViewport();
  await annContext.close();
  await benContext.close();
});
