import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AnyRouter, TRPCError } from '@trpc/server';
import type { Logger } from '../observability/logger.js';
import { reportError } from '../report.js';
import { refuseRequest } from './refuse.js';

/** A URL path segment decoded, or '' when its escapes are malformed (`%zz`). */
export function decodedSegment(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return '';
  }
}

/**
 * Runs a /media route's answer so that no throw escapes: a refusal is answered in the API's
 * error shape (the router's formatter adds the appCode), anything else is logged and answered
 * 500, unless the client already went away (mid-upload or mid-download: nobody is left to answer).
 */
export function answering(
  what: string,
  deps: { router: AnyRouter; log: Logger },
  req: IncomingMessage,
  res: ServerResponse,
  answer: Promise<void>,
): void {
  answer.catch((error: unknown) => {
    if (error instanceof TRPCError && error.code !== 'INTERNAL_SERVER_ERROR') {
      refuseRequest(res, deps.router, error);
      return;
    }
    if (req.destroyed || res.destroyed) return;
    reportError(`${what} ${req.method ?? ''}`, error, deps.log);
    refuseRequest(res, deps.router, new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error }));
  });
}
