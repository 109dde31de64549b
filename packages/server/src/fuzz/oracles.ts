import { ERROR_CODES } from '@confab/contracts';
import { knownBugOf } from './known-bugs.js';

/**
 * Statuses a hostile request may get. Everything 4xx here is a typed refusal; 409 is CONFLICT
 * and USERNAME_TAKEN (errors.ts), which a fuzzer reaches by joining a room twice; 431 is Node's
 * own answer to headers past `maxHeaderSize` (a huge `input=` in the URL). A 5xx is a server
 * bug whatever its body says.
 */
export const ALLOWED_STATUSES: ReadonlySet<number> = new Set([
  200, 201, 207, 400, 401, 403, 404, 405, 409, 413, 415, 429, 431,
]);

const TYPED_CODES: ReadonlySet<string> = new Set(
  Object.values(ERROR_CODES).filter((code) => code !== ERROR_CODES.INTERNAL),
);

/** A failed oracle: the message names what broke; fast-check adds the counterexample and seed. */
export class OracleError extends Error {}

function fail(what: string, detail: unknown): never {
  const text = typeof detail === 'string' ? detail : JSON.stringify(detail);
  throw new OracleError(`${what}: ${text.slice(0, 2_000)}`);
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** A tRPC error shape whose appCode is one of the contracts' codes, and not INTERNAL. */
export function checkErrorShape(error: unknown, where: string): void {
  const e = error as { message?: unknown; data?: { appCode?: unknown } } | null;
  if (typeof e !== 'object' || e === null || typeof e.message !== 'string')
    fail(`${where}: error without a message`, error);
  const appCode = e.data?.appCode;
  if (appCode === ERROR_CODES.INTERNAL && knownBugOf(e as { data?: Record<string, unknown> }))
    return;
  if (appCode === ERROR_CODES.INTERNAL) fail(`${where}: INTERNAL answer (a server bug)`, error);
  if (typeof appCode !== 'string' || !TYPED_CODES.has(appCode))
    fail(`${where}: untyped error (appCode ${String(appCode)})`, error);
}

/** `{result}` or a typed `{error}`: one tRPC answer (or one item of a batch). */
function checkEnvelope(item: unknown, where: string): void {
  if (typeof item !== 'object' || item === null) fail(`${where}: not an object`, item);
  if ('result' in item) return;
  if ('error' in item) checkErrorShape(item.error, where);
  else fail(`${where}: neither result nor error`, item);
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
  /** For an event stream: the frames read (the stream is cut after the first real one). */
  sse?: { event: string; data: string }[];
}

/**
 * The HTTP oracle: an allowed status, and a JSON body (or event stream) of typed answers.
 * Two answers outside tRPC's shapes are expected: /healthz's `{ ok: true }` (to any method),
 * and tRPC's empty 204 to HEAD and OPTIONS (its handler's CORS-preflight answer).
 */
export function checkHttpAnswer(
  answer: HttpAnswer,
  request: { method: string; path: string; jsonl?: boolean } = { method: 'GET', path: '' },
): void {
  const { method, path } = request;
  if (answer.status === 204 && (method === 'HEAD' || method === 'OPTIONS') && !answer.body) return;
  if (!ALLOWED_STATUSES.has(answer.status))
    fail(`HTTP status ${answer.status}`, answer.body || '(empty body)');
  // A HEAD answer has headers only (HTTP): its status is all there is to judge.
  if (method === 'HEAD' && answer.body === '') return;
  if (answer.sse) {
    checkSse(answer.sse);
    return;
  }
  const json = answer.contentType.startsWith('application/json');
  if (json && request.jsonl && answer.body.includes('\n')) {
    checkJsonLines(answer.body);
    return;
  }
  if (path.split('?')[0] === '/healthz' && answer.body === '{"ok":true}') return;
  // tRPC's own handler labels some JSON errors text/plain (its 415): judged by the body.
  const parsed = parseJson(answer.body);
  if (parsed === NOT_JSON && json) fail('HTTP body says JSON but is not', answer.body);
  if (parsed !== NOT_JSON) {
    const items = Array.isArray(parsed) ? parsed : [parsed];
    for (const [i, item] of items.entries()) checkEnvelope(item, `HTTP answer item ${i}`);
    return;
  }
  // Not JSON: Node's own refusals before any handler runs (its HTTP parser's empty 400 for an
  // unknown method or a malformed request, 431 for headers past maxHeaderSize), and the plain
  // 404 off the API.
  const api = path === '/trpc' || path.startsWith('/trpc/') || path.startsWith('/trpc?');
  const parserRefusal = answer.status === 400 && answer.body === '' && answer.contentType === '';
  if (parserRefusal || answer.status === 431 || (answer.status === 404 && !api)) return;
  fail(`HTTP ${answer.status} that is neither JSON nor an event stream`, answer);
}

/**
 * tRPC's streamed batch (`trpc-accept: application/jsonl`): a head line and chunk lines whose
 * layout is tRPC's (placeholders and indexes). Each line must be JSON, and every `error` in
 * them a typed one.
 */
function checkJsonLines(body: string): void {
  for (const line of body.split('\n').filter((l) => l.trim() !== '')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      fail('JSON-lines answer with a line that is not JSON', line);
    }
    for (const error of errorsIn(parsed, 0)) checkErrorShape(error, 'JSON-lines answer');
  }
}

function errorsIn(value: unknown, depth: number): unknown[] {
  if (typeof value !== 'object' || value === null || depth > 20) return [];
  if (!Array.isArray(value) && 'error' in value) return [value.error];
  return Object.values(value).flatMap((v) => errorsIn(v, depth + 1));
}

function checkSse(frames: { event: string; data: string }[]): void {
  for (const frame of frames) {
    if (frame.event === 'connected' || frame.event === 'ping') continue;
    let data: unknown;
    try {
      data = JSON.parse(frame.data);
    } catch {
      fail(`SSE ${frame.event || 'data'} frame is not JSON`, frame.data);
    }
    if (frame.event === 'serialized-error') checkErrorShape(data, 'SSE serialized-error');
    else if (frame.event !== '' && frame.event !== 'message')
      fail('SSE frame of an unknown event', frame);
  }
}

/** The WebSocket oracle for one frame the server sent. */
export function checkWsFrame(text: string): void {
  if (text === 'PING' || text === 'PONG') return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail('WebSocket frame is not JSON', text);
  }
  const m = parsed as { id?: unknown; method?: unknown } | null;
  if (typeof m !== 'object' || m === null || Array.isArray(m))
    fail('WebSocket frame is not an object', text);
  if (m.id !== null && typeof m.id !== 'string' && typeof m.id !== 'number')
    fail('WebSocket frame with a bad id', text);
  if (m.method === 'reconnect') return;
  checkEnvelope(m, 'WebSocket frame');
}

/**
 * Collects what report.ts writes when a throw escaped a handler ("unexpected error in ..."): the
 * client got a dropped connection instead of a typed error, so the fuzzer counts it as a bug.
 */
export function watchServerErrors(): { lines: string[]; stop(): void } {
  const lines: string[] = [];
  const original = process.stderr.write;
  const write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    const text = typeof chunk === 'string' ? chunk : String(chunk);
    if (text.includes('"msg":"unexpected error in')) lines.push(text.trim());
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  };
  process.stderr.write = write as typeof process.stderr.write;
  return {
    lines,
    stop: () => {
      process.stderr.write = original;
    },
  };
}
