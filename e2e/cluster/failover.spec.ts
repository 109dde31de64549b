import type { Page } from '@playwright/test';
import {
  connectionStatus,
  createRoom,
  type Device,
  joinPublicRoom,
  messageBodies,
  messages,
  send,
  signedInUser,
  uniqueSuffix,
} from '../fixtures/chat';
import { type ClusterNode, expect, test } from './cluster';
import { connectionsPerNode } from './connections';

/**
 * Waits until nginx's connections to the nodes are as `expected`, and returns the counts that
 * were (not a second reading: a page's request can hold a connection for a moment in between).
 */
async function settle(
  nodes: readonly ClusterNode[],
  expected: (counts: number[]) => boolean,
): Promise<number[]> {
  let counts: number[] = [];
  await expect
    .poll(() => {
      counts = connectionsPerNode(nodes);
      return expected(counts);
    })
    .toBe(true);
  return counts;
}

/** Every text the page's connection status shows from now on. */
async function recordStatus(page: Page): Promise<() => Promise<string[]>> {
  await connectionStatus(page).evaluate((status) => {
    const seen: string[] = [status.textContent ?? ''];
    new MutationObserver(() => seen.push(status.textContent ?? '')).observe(status, {
      subtree: true,
      childList: true,
      characterData: true,
    });
    Object.assign(window, { statusTexts: seen });
  });
  return () => page.evaluate(() => (window as unknown as { statusTexts: string[] }).statusTexts);
}

test('two users on different nodes chat; the first one’s node is killed; the tab reconnects through nginx and the conversation goes on', async ({
  browser,
  cluster: { nodes },
}) => {
  expect(nodes).toHaveLength(2);
  const alice = await signedInUser(browser, 'Alice');
  await expect(connectionStatus(alice.page)).toHaveText('Connected via WebSocket');
  const afterAlice = await settle(nodes, (c) => c.reduce((a, b) => a + b, 0) === 1);
  const aliceNode = afterAlice.indexOf(1);
  const otherNode = 1 - aliceNode;

  // nginx balances least_conn, so Bob's WebSocket goes to the node without one; should a
  // request of his page have tipped the balance, his page reloads (bounded) until it does.
  const bob: Device = await signedInUser(browser, 'Bob');
  for (let attempt = 0; ; attempt++) {
    await expect(connectionStatus(bob.page)).toHaveText('Connected via WebSocket');
    const counts = await settle(nodes, (c) => c.reduce((a, b) => a + b, 0) === 2);
    if (counts[otherNode] === 1) break;
    expect(attempt, 'Bob’s WebSocket kept landing on Alice’s node').toBeLessThan(5);
    await bob.page.reload();
  }
  // One WebSocket each once their pages' other requests are done (a read at once saw a third
  // connection on Bob's node in a clean run: one of his page's requests, still open).
  await settle(nodes, (c) => c[aliceNode] === 1 && c[otherNode] === 1);

  const room = `Cluster ${uniqueSuffix()}`;
  await createRoom(alice.page, room, 'public');
  await joinPublicRoom(bob.page, room);
  const hello = `Hello from node ${aliceNode} ${uniqueSuffix()}`;
  const answer = `And back from node ${otherNode}`;
  await send(alice.page, hello);
  await expect(messageBodies(bob.page)).toHaveText([hello]);
  await send(bob.page, answer);
  const before = [hello, answer];
  for (const { page } of [alice, bob]) await expect(messageBodies(page)).toHaveText(before);

  // SIGKILL Alice's node: her tab reconnects through nginx to the survivor.
  const aliceStatus = await recordStatus(alice.page);
  const bobStatus = await recordStatus(bob.page);
  await nodes[aliceNode]?.kill();
  // Bob writes right after the kill (Alice's tab may still be reconnecting: it gets it later).
  const whileAway = `Did you drop? ${uniqueSuffix()}`;
  await send(bob.page, whileAway);
  await expect(connectionStatus(alice.page)).toHaveText('Connected via WebSocket');
  expect(await aliceStatus()).toContainEqual(expect.stringMatching(/^Reconnecting/));
  // Both WebSockets are on the survivor now; Bob's never dropped.
  await settle(nodes, (c) => c[aliceNode] === 0 && c[otherNode] === 2);
  expect(await bobStatus()).toEqual(['Connected via WebSocket']);

  const after = `Back, through the other node ${uniqueSuffix()}`;
  await send(alice.page, after);
  const conversation = [...before, whileAway, after];
  for (const { page } of [alice, bob]) {
    await expect(messageBodies(page)).toHaveText(conversation);
    await expect(messages(page).and(page.locator('[data-status="sent"]'))).toHaveCount(4);
  }
  await alice.context.close();
  await bob.context.close();
});
