import { expect, test } from '@playwright/test';
import { anotherDevice, connectionStatus, newUser, register, signedInUser } from '../fixtures/chat';

test('the cookie session survives a reload; signing out and in again works', async ({ page }) => {
  const user = newUser('Frank');
  await register(page, user);
  await expect(connectionStatus(page)).toHaveText('Connected via WebSocket');

  await page.reload();
  await expect(page.getByText(`@${user.username}`)).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();

  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password');

  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByText(`@${user.username}`)).toBeVisible();
  await expect(connectionStatus(page)).toHaveText('Connected via WebSocket');
});

test('a user sees their devices and signs one out; that device is back at sign-in', async ({
  browser,
}) => {
  const laptop = await signedInUser(browser, 'Grace');
  const phone = await anotherDevice(browser, laptop.user);

  await laptop.page.getByRole('link', { name: 'Settings' }).click();
  const devices = laptop.page.getByTestId('session');
  await expect(devices).toHaveCount(2);
  await expect(devices.filter({ hasText: 'This device' })).toHaveCount(1);
  await laptop.page.getByRole('button', { name: /^Sign out Chrome on Linux, last active/ }).click();
  await expect(devices).toHaveCount(1);
  await expect(devices).toContainText('This device');

  // The phone's live stream ends with its session: it returns to the sign-in form.
  await expect(phone.page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  await expect(phone.page.getByRole('alert')).toHaveText(
    'You were signed out. Please sign in again.',
  );
  // The laptop carries on.
  await expect(connectionStatus(laptop.page)).toHaveText('Connected via WebSocket');
  await laptop.context.close();
  await phone.context.close();
});
