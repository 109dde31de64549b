import { expect, test } from '@playwright/test';
import { apiSend, apiUser, mutate } from '../fixtures/api';
import {
  anotherDevice,
  messageBodies,
  roomLink,
  send,
  signedInUser,
  uniqueSuffix,
} from '../fixtures/chat';

test('one user on two devices: messages reach both, and reading on one clears the badge on the other', async ({
  browser,
}) => {
  const laptop = await signedInUser(browser, 'Ivan');
  const phone = await anotherDevice(browser, laptop.user);
  const judy = await apiUser(`judy_${uniqueSuffix()}`, 'Judy');
  const room = `Standup ${uniqueSuffix()}`;
  const { id: roomId } = await mutate<{ id: string }>(
    'room.create',
    { kind: 'private', name: room },
    judy.token,
  );
  await mutate('room.invite', { roomId, username: laptop.user.username }, judy.token);
  await apiSend(judy, roomId, 'Morning! Anything blocking?');

  // Both devices learn of the room and its unread message live.
  for (const { page } of [laptop, phone]) {
    await expect(roomLink(page, room).getByTestId('unread')).toHaveText('1 unread');
  }
  // Reading it on the laptop clears it on the phone.
  await roomLink(laptop.page, room).click();
  await expect(messageBodies(laptop.page)).toHaveText(['Morning! Anything blocking?']);
  await expect(roomLink(phone.page, room).getByTestId('unread')).toHaveCount(0);
  await expect(roomLink(phone.page, room).getByTestId('preview')).toHaveText(
    'Morning! Anything blocking?',
  );

  // What one device sends shows on the other, live, in the same order.
  await roomLink(phone.page, room).click();
  await send(laptop.page, 'Nothing blocking, sent from the laptop');
  await send(phone.page, 'And this from the phone');
  const expected = [
    'Morning! Anything blocking?',
    'Nothing blocking, sent from the laptop',
    'And this from the phone',
  ];
  for (const { page } of [laptop, phone]) await expect(messageBodies(page)).toHaveText(expected);
  await laptop.context.close();
  await phone.context.close();
});
