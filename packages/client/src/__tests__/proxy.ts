import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a test server, to do to connections what networks do: cut them,
 * refuse WebSocket upgrades or SSE streams (as hostile proxies do), or swallow responses.
 */
export interface FaultyProxy {
  url: string;
  /** Refuse WebSocket upgrades with 403. */
  blockWebSocket: boolean;
  /** Refuse SSE subscription requests with 502. */
  blockSse: boolean;
  /** Refuse every new connection at once, as a device without network does. */
  refuseAll: boolean;
  /** Forward requests but never return the server's answer, then cut the connection. */
  swallowResponses: boolean;
  /**
   * Stop passing bytes either way while keeping every connection open, as a network that
   * vanished does (a crashed device, a dead Wi-Fi): nobody is told anything.
   */
  frozen: boolean;
  /** Destroys every open connection now. */
  cutAll(): void;
  /** How many connections are open. */
  openCount(): number;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<FaultyProxy> {
  const sockets = new Set<Socket>();
  const proxy: FaultyProxy = {
    url: '',
    blockWebSocket: false,
    blockSse: false,
    swallowResponses: false,
    refuseAll: false,
    frozen: false,
    cutAll() {
      for (const socket of sockets) socket.destroy();
    },
    openCount: () => sockets.size / 2,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.cutAll();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((client) => {
    if (proxy.refuseAll) {
      client.destroy();
      return;
    }
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.once('data', (first: Buffer) => {
      const head = first.toString('latin1');
      const refuse = (status: string) =>
        client.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      if (proxy.blockWebSocket && /^upgrade:\s*websocket/im.test(head))
        return refuse('403 Forbidden');
      if (proxy.blockSse && /^GET \/trpc\/events\.(onEvent|live)/.test(head))
        return refuse('502 Bad Gateway');
      const upstream = connect(targetPort, '127.0.0.1');
      sockets.add(upstream);
      upstream.once('close', () => {
        sockets.delete(upstream);
        client.destroy();
      });
      client.once('close', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.write(first);
      client.on('data', (chunk: Buffer) => {
        if (!proxy.frozen) upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => {
        if (proxy.swallowResponses) {
          // The server did the work; its answer is lost on the way back.
          upstream.destroy();
          client.destroy();
        } else if (!proxy.frozen) {
          client.write(chunk);
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
