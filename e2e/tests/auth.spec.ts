import { expect, test } from '@playwright/test';
import { newUser, register } from '../fixtures/chat';

test('the cookie session survives a reload; signing out and in again works', async ({ page }) => {
  const user = newUser('Frank');
  await register(page, user);

  await page.reload();
  await expect(page.getByText(`@${user.username}`)).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();

  await page.getByLabel('Username', { exact: true }).fill(user.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password');

  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByText(`@${user.username}`)).toBeVisible();
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Live over WebSocket');
});
