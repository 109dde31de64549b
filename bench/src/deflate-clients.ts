// The devices of the permessage-deflate measurement (deflate.ts): N WebSocket clients in a
// process of their own, so that their inflating never counts as the server's CPU. Each offers
// permessage-deflate (as browsers do); the server decides. Asked over IPC, it answers how many
// frames its clients have received in all, and how many of them were compressed.
import WebSocket from 'ws';

interface Start {
  type: 'start';
  url: string;
  count: number;
}
interface Count {
  type: 'count';
}
export type ToClients = Start | Count;
export type FromClients =
  | { type: 'connected'; count: number; deflate: boolean }
  | { type: 'count'; received: number }
  | { type: 'failed'; reason: string };

const reply = (message: FromClients) => process.send?.(message);
let received = 0;

async function connectAll(url: string, count: number): Promise<boolean> {
  let deflate = false;
  // In groups, so the server's backlog never overflows.
  for (let start = 0; start < count; start += 100) {
    const group = Array.from({ length: Math.min(100, count - start) }, () => {
      const ws = new WebSocket(url, { perMessageDeflate: true });
      ws.on('message', () => {
        received += 1;
      });
      return new Promise<void>((resolve, reject) => {
        ws.once('open', () => {
          deflate ||= ws.extensions.includes('permessage-deflate');
          resolve();
        });
        ws.once('error', reject);
      });
    });
    await Promise.all(group);
  }
  return deflate;
}

process.on('message', (message: ToClients) => {
  if (message.type === 'start') {
    connectAll(message.url, message.count).then(
      (deflate) => reply({ type: 'connected', count: message.count, deflate }),
      (error: unknown) => reply({ type: 'failed', reason: String(error) }),
    );
  } else {
    reply({ type: 'count', received });
  }
});
