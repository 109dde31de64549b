import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { metricValue, TEST_METRICS_TOKEN } from '../__tests__/metrics.js';
import { serverForSuite } from '../__tests__/server.js';
import { clientTextFrame, openRawWebSocket } from '../__tests__/ws-raw.js';
import { TOO_MANY_FRAMES_CLOSE_CODE } from './ws-handler.js';

/** The address's budget: a burst of 100 frames, then one every 100 s (none within this test). */
const BURST = 100;
const PER_SECOND = 0.01;
/** A request the server answers with an error of its own id. */
const requestFrame = (id: number) => clientTextFrame(JSON.stringify({ id, method: 'nope' }));

/** A WebSocket from `localAddress` (127.0.0.x are all this machine's), with the ids answered. */
async function openSocket(url: string, localAddress: string) {
  const { ws, socket } = await openRawWebSocket(url, localAddress);
  const answered: unknown[] = [];
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    answered.push(text.startsWith('{') ? JSON.parse(text).id : text);
  });
  const closed = once(ws, 'close').then(([code]) => code as number);
  return { ws, socket, answered, closed };
}

describe('WebSocket frames are budgeted per client address', () => {
  const server = serverForSuite({
    connectionLimits: { wsFramesPerSecondPerAddress: PER_SECOND, wsFrameBurstPerAddress: BURST },
    metricsToken: TEST_METRICS_TOKEN,
  });

  it('past its budget a socket is closed (1008) and the frame unanswered; other sockets of the address too, other addresses not', async () => {
    const flooder = await openSocket(server.url, '127.0.0.1');
    // 150 requests at once: the first 100 are answered, the 101st closes the socket.
    const ids = Array.from({ length: 150 }, (_, i) => i + 1);
    flooder.socket.write(Buffer.concat(ids.map(requestFrame)));
    expect(await flooder.closed).toBe(TOO_MANY_FRAMES_CLOSE_CODE);
    expect(flooder.answered).toEqual(ids.slice(0, BURST));

    // A new socket from the same address finds the budget spent: its first frame closes it.
    const again = await openSocket(server.url, '127.0.0.1');
    again.ws.send('PING');
    expect(await again.closed).toBe(TOO_MANY_FRAMES_CLOSE_CODE);
    expect(again.answered).toEqual([]);

    // Another address has its own budget.
    const neighbour = await openSocket(server.url, '127.0.0.2');
    neighbour.ws.send('PING');
    await new Promise<void>((resolve) => neighbour.ws.once('message', () => resolve()));
    expect(neighbour.answered).toEqual(['PONG']);
    neighbour.ws.close();
    expect(await neighbour.closed).toBe(1005);
    // Counted for the operator: the two sockets closed.
    expect(
      await metricValue(server.url, 'confab_rate_limit_refusals_total{kind="wsFramesPerAddress"}'),
    ).toBe(2);
  });
});
