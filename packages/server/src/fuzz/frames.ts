import { LIMITS } from '@confab/contracts';
import fc from 'fast-check';
import type { FuzzFixture } from './fixture.js';
import { bearer, identity } from './identity.js';
import { inputFor, type ProcedureInfo } from './inputs.js';
import { hostileString, hostileValue } from './values.js';

/**
 * WebSocket sessions as a hostile client opens them: with or without `?connectionParams=1`,
 * junk cookies and origins, then a few frames of tRPC's protocol, right or wrong.
 */
export interface WsSession {
  query: string;
  headers: Record<string, string>;
  frames: (string | Buffer)[];
}

/** Request ids: small numbers (so duplicates happen), strings, huge and wrongly typed ones. */
const requestId: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 3 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('a', '', 'x'.repeat(10_000), -1, 1e308, 0.5, null, true, [], {}),
  },
  { weight: 1, arbitrary: hostileString },
);

function requestArb(fx: FuzzFixture, procedures: ProcedureInfo[]): fc.Arbitrary<unknown> {
  return fc.constantFrom(...procedures).chain((p) =>
    fc.record(
      {
        id: requestId,
        jsonrpc: fc.constantFrom('2.0', '1.0', 2),
        method: fc.oneof(
          { weight: 6, arbitrary: fc.constant(p.type) },
          {
            weight: 2,
            arbitrary: fc.constantFrom('query', 'mutation', 'subscription', 'subscription.stop'),
          },
          {
            weight: 1,
            arbitrary: fc.constantFrom('connectionParams', 'reconnect', 'QUERY', '__proto__', ''),
          },
        ),
        params: fc.oneof(
          {
            weight: 8,
            arbitrary: fc.record(
              {
                path: fc.oneof({ weight: 6, arbitrary: fc.constant(p.path) }, hostileValue),
                input: inputFor(fx, p),
                lastEventId: fc.oneof(
                  fc.constantFrom(`${fx.targets.lobbyId}:2`, '-x~y'),
                  hostileValue,
                ),
              },
              { requiredKeys: ['path'] },
            ),
          },
          { weight: 1, arbitrary: hostileValue },
        ),
      },
      { requiredKeys: ['id', 'method'] },
    ),
  );
}

function frameArb(fx: FuzzFixture, procedures: ProcedureInfo[]): fc.Arbitrary<string | Buffer> {
  const request = requestArb(fx, procedures);
  const params = fc.oneof(
    fc.constant({ token: fx.fuzzer.token }),
    fc.record({ token: hostileValue }),
    hostileValue,
  );
  return fc.oneof(
    { weight: 8, arbitrary: request.map((r) => JSON.stringify(r)) },
    {
      weight: 2,
      arbitrary: fc.array(request, { minLength: 0, maxLength: 5 }).map((rs) => JSON.stringify(rs)),
    },
    {
      weight: 2,
      arbitrary: params.map((data) => JSON.stringify({ method: 'connectionParams', data })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'PING',
        'PONG',
        '',
        'null',
        '[]',
        '{}',
        '{',
        '"x"',
        '1',
        `[${'1,'.repeat(100)}1]`,
      ),
    },
    // More requests in one frame than the handler takes (100).
    {
      weight: 1,
      arbitrary: fc.constant(
        JSON.stringify(
          Array.from({ length: 101 }, (_, id) => ({
            id,
            method: 'query',
            params: { path: 'auth.me' },
          })),
        ),
      ),
    },
    { weight: 1, arbitrary: hostileString },
    // Binary frames: junk bytes, or a valid request sent as binary.
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: request.map((r) => Buffer.from(JSON.stringify(r))) },
    // Past the payload cap: the socket is closed (1009) before the frame is parsed.
    { weight: 1, arbitrary: fc.constant(`"${'x'.repeat(LIMITS.maxPayloadBytes + 1)}"`) },
  );
}

export function wsSessionArb(
  fx: FuzzFixture,
  procedures: ProcedureInfo[],
): fc.Arbitrary<WsSession> {
  return fc.record({
    query: fc.constantFrom(
      '',
      '?connectionParams=1',
      '?connectionParams=0',
      '?connectionParams=1&connectionParams=1',
      '?%zz=%',
      '?input=%7B',
    ),
    headers: fc
      .record(
        {
          auth: identity.map((who) => bearer(fx, who)),
          cookie: fc.constantFrom(
            'confab_session=%',
            'confab_session=%ED%A0%80',
            `confab_session=${fx.fuzzer.token}`,
            'a=b; ;=;',
          ),
          origin: fc.constantFrom('null', 'http://evil.example', fx.url, 'http://[::1'),
        },
        { requiredKeys: ['auth'] },
      )
      .map(({ auth, cookie, origin }) => ({
        ...auth,
        ...(cookie ? { Cookie: cookie } : {}),
        ...(origin ? { Origin: origin } : {}),
      })),
    frames: fc.array(frameArb(fx, procedures), { minLength: 1, maxLength: 6 }),
  });
}
