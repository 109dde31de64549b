import { expect, test, type WebSocketRoute } from '@playwright/test';
import { connectionStatus, newUser, register } from '../fixtures/chat';

test('a dropped connection shows "reconnecting" with a countdown, then connects again', async ({
  page,
}) => {
  // Every WebSocket goes through this route: passed to the server while `reachable`, refused
  // (closed at once) while not.
  let reachable = true;
  const open: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/trpc/, (ws) => {
    if (!reachable) {
      void ws.close({ code: 1011, reason: 'unreachable (test)' });
      return;
    }
    ws.connectToServer();
    open.push(ws);
  });
  await register(page, newUser('Olga'));
  await expect(connectionStatus(page)).toHaveText('Connected via WebSocket');

  reachable = false;
  for (const ws of open.splice(0)) await ws.close({ code: 1011, reason: 'dropped (test)' });
  // The countdown is shown (and left out of what screen readers hear every second).
  await expect(connectionStatus(page).getByTestId('countdown')).toHaveText(
    /^Reconnecting in \d+ s…$/,
  );
  reachable = true;
  await expect(connectionStatus(page)).toHaveText('Connected via WebSocket');
});
