import { expect, test } from '@playwright/test';
import {
  conversationTitle,
  createRoom,
  joinPublicRoom,
  messageBodies,
  openRoomId,
  roomLink,
  send,
  signedInUser,
  uniqueSuffix,
} from '../fixtures/chat';
import { hide, notifiedUser, recorded, subscribeOutcome } from '../fixtures/notifications';

test('a hidden tab notifies of others’ messages, per room, never of its own nor a muted room’s', async ({
  browser,
}) => {
  const [a, b] = await Promise.all([notifiedUser(browser, 'Nora'), signedInUser(browser, 'Omar')]);
  const standup = `Standup ${uniqueSuffix()}`;
  const random = `Random ${uniqueSuffix()}`;
  await createRoom(b.page, random, 'public');
  const randomId = openRoomId(b.page);
  await createRoom(b.page, standup, 'public');
  const standupId = openRoomId(b.page);
  await joinPublicRoom(a.page, random);
  await joinPublicRoom(a.page, standup);
  await expect(roomLink(a.page, standup)).toBeVisible();
  await expect(roomLink(a.page, random)).toBeVisible();

  await hide(a.page);
  await send(b.page, 'Ship it at noon');
  await expect
    .poll(() => recorded(a.page))
    .toEqual([{ title: standup, body: 'Omar: Ship it at noon', tag: `room:${standupId}` }]);
  // A second one for the room says how many are unread, with the same tag (it replaces the first).
  await send(b.page, 'And bring the slides');
  await expect.poll(() => recorded(a.page)).toHaveLength(2);
  expect((await recorded(a.page))[1]).toEqual({
    title: `${standup} (2)`,
    body: 'Omar: And bring the slides',
    tag: `room:${standupId}`,
  });

  // Nora's own message notifies nobody here; Omar's answer after it is the only new one.
  await send(a.page, 'On my way');
  await expect(messageBodies(b.page).last()).toHaveText('On my way');
  await send(b.page, 'Great');
  await expect.poll(() => recorded(a.page)).toHaveLength(3);
  expect((await recorded(a.page)).map((n) => n.body)).toEqual([
    'Omar: Ship it at noon',
    'Omar: And bring the slides',
    'Omar: Great',
  ]);

  // Nora sets the room to "Mentions only": the header says so and the sidebar shows it muted,
  // also after a reload (the server kept it).
  const level = a.page.getByRole('button', { name: 'Notification level' });
  await expect(level).toHaveAttribute('title', 'Notifications: All messages');
  await level.click();
  await a.page.getByRole('radio', { name: /^Mentions only/ }).click();
  await expect(level).toHaveAttribute('title', 'Notifications: Mentions only');
  await expect(roomLink(a.page, standup).getByTestId('muted')).toBeVisible();
  await a.page.reload();
  await expect(conversationTitle(a.page)).toHaveText(standup);
  await expect(roomLink(a.page, standup).getByTestId('muted')).toBeVisible();
  await expect(level).toHaveAttribute('title', 'Notifications: Mentions only');
  await expect(roomLink(a.page, random).getByTestId('muted')).toHaveCount(0);

  // Hidden again: a message in the muted room records nothing; the next one, in the other room,
  // is the only notification.
  await hide(a.page);
  await send(b.page, 'Muted news');
  await expect(roomLink(a.page, standup).getByTestId('preview')).toHaveText('Muted news');
  await roomLink(b.page, random).click();
  await expect(conversationTitle(b.page)).toHaveText(random);
  await send(b.page, 'Lunch?');
  await expect
    .poll(() => recorded(a.page))
    .toEqual([{ title: random, body: 'Omar: Lunch?', tag: `room:${randomId}` }]);

  await Promise.all([a.context.close(), b.context.close()]);
});

test('Enable notifications registers the service worker and subscribes, or says push is unavailable', async ({
  browser,
}) => {
  const { context, page } = await notifiedUser(browser, 'Pia');
  await page.getByRole('link', { name: 'Settings' }).click();
  const status = page.getByTestId('notifications-status');
  await expect(status).toHaveText('Notifications are off for new messages while Confab is closed.');
  await page.getByRole('button', { name: 'Enable notifications' }).click();

  const on = 'Notifications on';
  const unavailable =
    'Push notifications are unavailable in this browser. Desktop notifications still work while Confab is open in a tab.';
  await expect(status).toHaveText(new RegExp(`^(${on}|${unavailable})$`), { timeout: 15_000 });
  const outcome = await subscribeOutcome(page);
  expect(outcome).not.toBe('not called');
  test.info().annotations.push({ type: 'pushManager.subscribe', description: outcome });
  await expect(status).toHaveText(outcome === 'resolved' ? on : unavailable);

  const worker = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    return { url: registration?.active?.scriptURL, state: registration?.active?.state };
  });
  expect(worker.url).toBe(new URL('/sw.js', page.url()).href);
  expect(worker.state).toBe('activated');

  // A push reaches the worker (delivered through DevTools, as there is no push service here):
  // it shows the room's notification, tagged per room.
  const cdp = await context.newCDPSession(page);
  const registrationId = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const found = registrations.find((r) => r.scopeURL === new URL('/', page.url()).href);
      if (found) resolve(found.registrationId);
    });
  });
  // What the worker reported, for the failure message should no notification show.
  const workerEvents: string[] = [];
  cdp.on('ServiceWorker.workerErrorReported', ({ errorMessage }) =>
    workerEvents.push(
      `error: ${errorMessage.errorMessage} (${errorMessage.sourceURL}:${errorMessage.lineNumber})`,
    ),
  );
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions)
      workerEvents.push(`version ${v.versionId}: ${v.status}, ${v.runningStatus}`);
  });
  await cdp.send('ServiceWorker.enable');
  const payload = {
    type: 'room.messages',
    tag: 'room:r1',
    roomId: 'r1',
    roomName: 'team',
    roomKind: 'private',
    count: 5,
    lastMessage: {
      id: 'm1',
      seq: 42,
      authorDisplayName: 'Alice',
      bodyPreview: 'see you at the standup',
      createdAt: Date.now(),
    },
  };
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin: new URL(page.url()).origin,
    registrationId: await registrationId,
    data: JSON.stringify(payload),
  });
  const shown = () =>
    page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      const notifications = (await registration?.getNotifications()) ?? [];
      return notifications.map((n) => ({ title: n.title, body: n.body, tag: n.tag }));
    });
  await expect
    .poll(shown, { message: 'the notification of the push (see the worker events attached)' })
    .toEqual([{ title: 'team (5)', body: 'Alice: see you at the standup', tag: 'room:r1' }])
    .catch(async (error: unknown) => {
      await test.info().attach('worker events', { body: workerEvents.join('\n') });
      throw error;
    });

  // Turning it off removes the browser's subscription, and the button comes back.
  await page.getByRole('button', { name: 'Turn off notifications' }).click();
  await expect(page.getByRole('button', { name: 'Enable notifications' })).toBeVisible();
  const subscribed = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    return (await registration?.pushManager.getSubscription()) != null;
  });
  expect(subscribed).toBe(false);
  await context.close();
});
