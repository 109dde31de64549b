import { LIMITS } from '@confab/contracts';
import fc from 'fast-check';
import type { FuzzRequest } from './client.js';
import type { FuzzFixture } from './fixture.js';
import type { ProcedureInfo } from './inputs.js';
import { hostileString, hostileValue, jsonishText } from './values.js';

/**
 * Raw HTTP requests: any method, path, query, headers and body, within what Node's client
 * will put on the wire (header values are latin-1 without control characters, paths have no
 * spaces); bytes past that are the HTTP parser's business, tested in hostile-input.test.ts.
 */

/** Header-safe text: Node's client refuses anything else before sending. */
const headerText = (maxLength: number) =>
  fc.string({
    unit: fc
      .integer({ min: 0x20, max: 0xff })
      .map((c) => String.fromCharCode(c === 0x7f ? 0x20 : c)),
    maxLength,
  });

/** A string as it may appear in a URL: percent-encoded, or with junk escapes left raw. */
const urlText = fc.oneof(
  hostileString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd'))),
  fc.constantFrom(
    '%',
    '%zz',
    '%00',
    '%E0%A4%A',
    '%ED%A0%80',
    '../..',
    '%2e%2e%2f',
    '//',
    ',,',
    '?',
    '#',
  ),
);

function pathArb(procedures: ProcedureInfo[]): fc.Arbitrary<string> {
  const known = fc.constantFrom(...procedures.map((p) => p.path));
  return fc.oneof(
    { weight: 5, arbitrary: known.map((p) => `/trpc/${p}`) },
    {
      weight: 2,
      arbitrary: fc
        .array(known, { minLength: 2, maxLength: 6 })
        .map((ps) => `/trpc/${ps.join(',')}`),
    },
    // Batches at and past the limit (refused whole before any call runs).
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(LIMITS.httpBatchMax, LIMITS.httpBatchMax + 1, 300)
        .map((n) => `/trpc/${Array(n).fill('auth.me').join(',')}`),
    },
    { weight: 2, arbitrary: urlText.map((junk) => `/trpc/${junk}`) },
    // Files and avatars: binary bodies beside tRPC (http/file-routes.ts, avatar-routes.ts).
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom('/media/files', '/media/files/', '/media/avatars/me', '/media/avatars/'),
        urlText.map((junk) => `/media/files/${junk}`),
        urlText.map((junk) => `/media/files/${junk}/thumbnail`),
        urlText.map((junk) => `/media/avatars/${junk}`),
      ),
    },
    { weight: 1, arbitrary: known.map((p) => `/trpc/${encodeURIComponent(p)}%00`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '/trpc',
        '/trpc/',
        '/trpc/../healthz',
        '/healthz',
        '/',
        '/x',
        `/trpc/${'a'.repeat(9_000)}`,
      ),
    },
  );
}

function queryArb(fx: FuzzFixture): fc.Arbitrary<string> {
  const param = fc.oneof(
    fc.constant('batch=1'),
    fc.constantFrom('batch=0', 'batch=', 'batch=1&batch=1'),
    jsonishText(hostileValue).map((t) => `input=${encodeURIComponent(t)}`),
    // Batch inputs keyed by index, some keys missing or junk.
    fc
      .dictionary(fc.constantFrom('0', '1', '2', '-1', '__proto__', 'x'), hostileValue, {
        maxKeys: 3,
      })
      .map((d) => `input=${encodeURIComponent(JSON.stringify(d))}`),
    fc.constantFrom(
      `input=${'%5B'.repeat(5_000)}`,
      `input=${encodeURIComponent(JSON.stringify('x'.repeat(100_000)))}`,
    ),
    jsonishText(
      fc.dictionary(
        fc.constantFrom('token', '__proto__'),
        fc.oneof(fc.constant(fx.fuzzer.token), hostileValue),
        { maxKeys: 2 },
      ),
    ).map((t) => `connectionParams=${encodeURIComponent(t)}`),
    urlText.map((t) => `lastEventId=${t}`),
    urlText.map((t) => `${t}=${t}`),
  );
  return fc.array(param, { maxLength: 4 }).map((ps) => (ps.length ? `?${ps.join('&')}` : ''));
}

function headersArb(fx: FuzzFixture): fc.Arbitrary<Record<string, string>> {
  const cookie = fc.oneof(
    fc
      .constantFrom('%', '%zz', '%ED%A0%80', '%E0%A4%A', '', '=', ';;;', fx.fuzzer.token)
      .map((v) => `confab_session=${v}`),
    fc
      .integer({ min: 1, max: 500 })
      .map((n) => Array.from({ length: n }, (_, i) => `c${i}=%${i}`).join('; ')),
    headerText(60),
    fc.constant(`confab_session=${'a'.repeat(60_000)}`),
  );
  const optional = {
    Cookie: cookie,
    Authorization: fc.oneof(
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        `Bearer ${fx.fuzzer.token}`,
        `bearer ${fx.fuzzer.token}`,
        `Bearer  ${fx.fuzzer.token} `,
        'Basic YTpi',
        'Bearer \u00ff',
      ),
      headerText(80).map((t) => `Bearer ${t}`),
    ),
    'Content-Type': fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'application/jsonx',
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        '',
      ),
      headerText(30),
    ),
    Origin: fc.oneof(
      fc.constantFrom(
        'null',
        fx.url,
        'http://evil.example',
        'http://[::1',
        'file://',
        'http://127.0.0.1:1',
      ),
      headerText(30),
    ),
    'X-Forwarded-For': fc.oneof(
      fc.constantFrom('1.2.3.4', '::1, 10.0.0.1', ',,,', 'x'.repeat(5_000)),
      headerText(40),
    ),
    'Last-Event-ID': fc.oneof(
      fc.constantFrom(`${fx.targets.lobbyId}:1`, '-x~y', '~', ':'),
      headerText(60),
    ),
    'trpc-accept': fc.constantFrom('application/jsonl', 'text/event-stream', 'x'),
    'X-Api-Key': headerText(40),
    'Sec-Fetch-Site': fc.constantFrom('same-origin', 'cross-site', 'none', 'x'),
  };
  return fc.record(optional, { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>>;
}

function bodyArb(): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    fc.constant(undefined),
    jsonishText(hostileValue),
    fc
      .dictionary(fc.constantFrom('0', '1', '49', '50', 'x'), hostileValue, { maxKeys: 3 })
      .map((d) => JSON.stringify(d)),
    fc
      .constantFrom(LIMITS.maxPayloadBytes, LIMITS.maxPayloadBytes + 1)
      .map((n) => `"${'x'.repeat(n)}"`),
  );
}

export function requestArb(
  fx: FuzzFixture,
  procedures: ProcedureInfo[],
): fc.Arbitrary<FuzzRequest> {
  return (
    fc
      .record({
        method: fc.constantFrom(
          'GET',
          'GET',
          'POST',
          'POST',
          'PUT',
          'DELETE',
          'PATCH',
          'OPTIONS',
          'HEAD',
          'FOO',
        ),
        path: pathArb(procedures),
        query: queryArb(fx),
        headers: headersArb(fx),
        body: bodyArb(),
      })
      // Content-Length is the client's to set: a wrong one is a framing error (or a wait for
      // bytes that never come, until requestTimeoutMs), not input to a procedure.
      .map(({ method, path, query, headers, body }) => ({
        method,
        path: `${path}${query}`,
        headers,
        ...(body === undefined ? {} : { body }),
      }))
  );
}
