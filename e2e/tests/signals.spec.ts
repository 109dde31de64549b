import { expect, test } from '@playwright/test';
import {
  composer,
  conversationTitle,
  messageBodies,
  messageRow,
  roomLink,
  send,
  signedInUser,
} from '../fixtures/chat';

test('presence, typing and read receipts in a direct conversation', async ({ browser }) => {
  const [a, b] = await Promise.all([signedInUser(browser, 'Lena'), signedInUser(browser, 'Milo')]);
  await a.page.getByRole('link', { name: 'Message', exact: true }).click();
  await a.page.getByLabel('Their username').fill(b.user.username);
  await a.page.getByRole('button', { name: 'Open conversation' }).click();
  await expect(conversationTitle(a.page)).toHaveText('Milo');
  const subtitle = a.page.getByTestId('conversation-subtitle');
  await expect(subtitle).toHaveText('Online');

  await send(a.page, 'Did you get the tickets?');
  await roomLink(b.page, 'Lena').click();
  await expect(messageBodies(b.page)).toHaveText(['Did you get the tickets?']);
  // Milo read it: Lena sees it under her message.
  await expect(messageRow(a.page, 'Did you get the tickets?').getByTestId('seen-by')).toHaveText(
    'Seen',
  );

  // Milo types: Lena sees it until his message arrives.
  await composer(b.page).pressSequentially('Yes, two');
  const typing = a.page.getByTestId('typing');
  await expect(typing).toHaveText('Milo is typing…');
  await composer(b.page).press('Enter');
  await expect(messageBodies(a.page)).toHaveText(['Did you get the tickets?', 'Yes, two']);
  await expect(typing).toHaveText('');

  // Milo closes his browser: he is offline, last seen just now.
  await b.context.close();
  await expect(subtitle).toHaveText('Last seen just now');
  await a.context.close();
});
