import type { ServerResponse } from 'node:http';
import { type AnyRouter, getErrorShape, type TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';

/**
 * Answers a request refused before any procedure runs (a wrong method or content type, a batch
 * over the limit, a throw caught by the guard), in the shape and status tRPC gives its own
 * errors (the router's formatter adds the appCode), and closes the connection: what the client
 * sent after the headers is not read.
 */
export function refuseRequest(res: ServerResponse, router: AnyRouter, error: TRPCError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const shape = getErrorShape({
    config: router._def._config,
    error,
    type: 'unknown',
    path: undefined,
    input: undefined,
    ctx: undefined,
  });
  res.writeHead(getHTTPStatusCodeFromError(error), {
    'Content-Type': 'application/json',
    Connection: 'close',
  });
  res.end(JSON.stringify({ error: shape }));
}
