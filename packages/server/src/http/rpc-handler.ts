import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIMITS } from '@confab/contracts';
import { callTRPCProcedure, getErrorShape, getTRPCErrorFromUnknown, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { logIfInternal } from '../observability/internal-errors.js';
import { fallbackLogger, type Logger } from '../observability/logger.js';
import { reportError } from '../report.js';
import type { AppRouter } from '../routers/root.js';
import type { Context } from '../trpc.js';
import { refuseRequest } from './refuse.js';
import {
  DEFAULT_RESPONSE_COMPRESSION,
  type ResponseCompression,
  sendJson,
} from './response-compression.js';

type CallType = 'query' | 'mutation';

interface Call {
  path: string;
  type: CallType;
}

/** The calls of a request, and whether it came as a batch (`?batch=1`). */
interface Calls {
  calls: Call[];
  isBatch: boolean;
}

/** The body as text; past `limit` bytes the rest is read and dropped, and it fails with 413. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () =>
      size > limit
        ? reject(new TRPCError({ code: 'PAYLOAD_TOO_LARGE' }))
        : resolve(Buffer.concat(chunks).toString()),
    );
    req.on('error', reject);
  });
}

/** JSON that is not: a BAD_REQUEST saying why, as tRPC answers it. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : 'Input is not JSON';
    throw new TRPCError({ code: 'BAD_REQUEST', message, cause });
  }
}

/**
 * tRPC queries and mutations over HTTP (httpLink and httpBatchLink), without tRPC's fetch
 * adapter: that turns every Node request into a WHATWG Request and back through web streams,
 * which cost more CPU than a send's own work (auth, checks, commit). Same wire format: `input`
 * in the query string (GET, queries) or a JSON body (POST, mutations), `?batch=1` with inputs
 * keyed by index and an array of results, error shapes from the router's formatter, and the
 * HTTP status tRPC would give (one call's, or 207 when a batch's differ).
 *
 * It takes only requests it is sure of: every path a known query (GET) or mutation (POST), JSON
 * if there is a body, no streaming accept header, a declared body within the limit. Anything else
 * (an unknown path, a wrong method, a subscription, jsonl) goes to tRPC's own handler.
 */
export function createRpcHandler(opts: {
  router: AppRouter;
  basePath: string;
  createContext(req: IncomingMessage, res: ServerResponse): Context;
  /** Most calls one batch may carry; a larger batch is refused whole (400). */
  maxBatchSize: number;
  /** Calls of one batch that run at once; the rest wait their turn. */
  concurrency: number;
  /** Large answers (history pages, long-poll batches) compressed. @default DEFAULT_RESPONSE_COMPRESSION */
  compression?: Partial<ResponseCompression>;
  /** Where internal errors are logged. @default fallbackLogger */
  log?: Logger;
}) {
  const log = opts.log ?? fallbackLogger;
  const { router } = opts;
  const compression = { ...DEFAULT_RESPONSE_COMPRESSION, ...opts.compression };
  const config = router._def._config;
  // Typed as the nested router record; at run time tRPC keeps it flat, keyed by dotted path.
  const procedures = router._def.procedures as unknown as Record<
    string,
    { _def: { type: string } } | undefined
  >;

  /** The calls of a request this handler can serve, or undefined. */
  function callsOf(req: IncomingMessage, url: URL): Calls | undefined {
    if (req.method !== 'GET' && req.method !== 'POST') return undefined;
    if (req.headers['trpc-accept'] !== undefined) return undefined;
    const type: CallType = req.method === 'GET' ? 'query' : 'mutation';
    if (type === 'mutation') {
      const contentType = req.headers['content-type'];
      if (!contentType?.startsWith('application/json')) return undefined;
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > LIMITS.maxPayloadBytes) return undefined;
    }
    let joined: string;
    try {
      joined = decodeURIComponent(url.pathname.slice(opts.basePath.length));
    } catch {
      return undefined;
    }
    const isBatch = url.searchParams.get('batch') === '1';
    const paths = isBatch ? joined.split(',') : [joined];
    if (paths.some((path) => procedures[path]?._def.type !== type)) return undefined;
    return { calls: paths.map((path) => ({ path, type })), isBatch };
  }

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    { calls, isBatch }: Calls,
  ) {
    const ctx = opts.createContext(req, res);
    // Aborted when the client goes away first (long polls end then).
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    // Read and parsed once, when the first call asks, as tRPC does: a body that is too large or
    // not JSON becomes each call's error (with its path), not a failure of the whole request.
    let inputs: Promise<Record<number, unknown>> | undefined;
    const readInputs = () => {
      inputs ??= (async () => {
        const text =
          req.method === 'GET'
            ? url.searchParams.get('input')
            : await readBody(req, LIMITS.maxPayloadBytes);
        const parsed = text ? parseJson(text) : undefined;
        if (parsed === undefined) return {};
        if (!isBatch) return { 0: parsed };
        if (typeof parsed !== 'object' || parsed === null)
          throw new TRPCError({
            code: 'BAD_REQUEST',
            message: '"input" needs to be an object when doing a batch call',
          });
        return parsed as Record<number, unknown>;
      })();
      return inputs;
    };
    const outcomes = await mapWithConcurrency(calls, opts.concurrency, async (call, index) => {
      try {
        const data = await callTRPCProcedure({
          router,
          path: call.path,
          getRawInput: async () => (await readInputs())[index],
          ctx,
          type: call.type,
          signal: abort.signal,
          batchIndex: index,
        });
        return { status: 200, json: { result: { data } } };
      } catch (cause) {
        logIfInternal(log, `http call ${call.path}`, cause);
        const error = getTRPCErrorFromUnknown(cause);
        const input = await readInputs().then(
          (all) => all[index],
          () => undefined,
        );
        const shape = getErrorShape({
          config,
          error,
          type: call.type,
          path: call.path,
          input,
          ctx,
        });
        const declared = (shape.data as { httpStatus?: unknown } | undefined)?.httpStatus;
        return {
          status: typeof declared === 'number' ? declared : getHTTPStatusCodeFromError(error),
          json: { error: shape },
        };
      }
    });
    const statuses = new Set(outcomes.map((o) => o.status));
    const status = statuses.size === 1 ? (outcomes[0]?.status ?? 200) : 207;
    const body = isBatch ? outcomes.map((o) => o.json) : outcomes[0]?.json;
    if (res.destroyed) return;
    await sendJson(req, res, status, JSON.stringify(body), compression);
  }

  /** A batch over the limit: refused whole, before any call runs or the body is read. */
  function refuseBatch(req: IncomingMessage, res: ServerResponse, size: number) {
    const message = `A batch may carry at most ${opts.maxBatchSize} calls (this one has ${size})`;
    refuseRequest(res, router, new TRPCError({ code: 'BAD_REQUEST', message }));
    req.resume();
  }

  return {
    /** Serves the request when it is one this handler takes; false (untouched) otherwise. */
    handle(req: IncomingMessage, res: ServerResponse): boolean {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const request = callsOf(req, url);
      if (!request) return false;
      if (request.calls.length > opts.maxBatchSize) {
        refuseBatch(req, res, request.calls.length);
        return true;
      }
      serve(req, res, url, request).catch((error: unknown) => {
        reportError('http call', error, log);
        res.destroy();
      });
      return true;
    },
  };
}

/** `fn` over `items` with at most `limit` running at once; results in the items' order. */
async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
