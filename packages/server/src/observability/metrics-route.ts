import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Metrics } from './metrics.js';

/** The scrape path, on the public port (with a token) or on the metrics port. */
export const METRICS_PATH = '/metrics';

/** Whether the request carries `Authorization: Bearer <token>` (compared in constant time). */
export function bearerMatches(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length).trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Answers a scrape with the registry's exposition text. */
export function answerScrape(res: ServerResponse, metrics: Metrics): void {
  metrics.exposition().then(
    ({ text, contentType }) => {
      res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }).end(text);
    },
    () => {
      if (!res.headersSent) res.writeHead(500).end();
    },
  );
}

/**
 * A listener of its own for /metrics (METRICS_PORT), loopback by default: Prometheus on the
 * same host or network scrapes it, and the public port never serves it.
 */
export function createMetricsServer(metrics: Metrics): {
  server: Server;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
} {
  metrics.withProcessMetrics();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === METRICS_PATH) answerScrape(res, metrics);
    else res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
  });
  return {
    server,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          const shown = typeof address === 'object' && address ? address.port : port;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${shown}`);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
