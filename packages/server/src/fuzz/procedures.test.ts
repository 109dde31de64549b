import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertParams, propertyTimeoutMs } from './budget.js';
import { checkHistory, checkServer, runCounter } from './checks.js';
import { send, wsExchange } from './client.js';
import { type FuzzFixture, useFuzzFixture } from './fixture.js';
import { bearer, type Identity, identity, tokenOf } from './identity.js';
import { inputFor, listProcedures, type ProcedureInfo } from './inputs.js';
import { checkHttpAnswer, checkWsFrame } from './oracles.js';

const procedures = listProcedures();

/** One call of a procedure over HTTP as tRPC's links make it (GET query, POST mutation, SSE). */
async function overHttp(fx: FuzzFixture, p: ProcedureInfo, input: unknown, who: Identity) {
  const json = JSON.stringify(input);
  const query = json === undefined ? '' : `?input=${encodeURIComponent(json)}`;
  const answer =
    p.type === 'mutation'
      ? await send(fx.url, {
          method: 'POST',
          path: `/trpc/${p.path}`,
          headers: { 'Content-Type': 'application/json', ...bearer(fx, who) },
          ...(json === undefined ? {} : { body: json }),
        })
      : await send(fx.url, {
          method: 'GET',
          path: `/trpc/${p.path}${query}`,
          headers: bearer(fx, who),
        });
  checkHttpAnswer(answer);
}

/** The same call over a WebSocket: token in a header or in connectionParams. */
async function overWs(
  fx: FuzzFixture,
  p: ProcedureInfo,
  input: unknown,
  who: Identity,
  inParams: boolean,
) {
  const token = tokenOf(fx, who);
  const request = JSON.stringify({ id: 1, method: p.type, params: { path: p.path, input } });
  const exchange = await wsExchange(fx.url, {
    query: inParams ? '?connectionParams=1' : '',
    headers: inParams ? {} : bearer(fx, who),
    frames: [
      ...(inParams
        ? [JSON.stringify({ method: 'connectionParams', data: token ? { token } : null })]
        : []),
      request,
    ],
  });
  expect(exchange.refused, 'upgrade refused').toBeUndefined();
  for (const frame of exchange.frames) checkWsFrame(frame);
}

describe('fuzz: every procedure, any input, HTTP and WebSocket', () => {
  const fx = useFuzzFixture();

  it('finds every procedure of the router, with the fields of its input', () => {
    expect(procedures.length).toBeGreaterThan(30);
    expect(procedures.find((p) => p.path === 'message.send')?.fields).toEqual([
      'roomId',
      'clientMsgId',
      'body',
      'attachments',
      'replyToId',
      'threadId',
      'alsoInRoom',
    ]);
    expect(procedures.find((p) => p.path === 'events.onEvent')?.type).toBe('subscription');
  });

  it(
    'answers each call with a result or a typed error, stays up, and leaves the seeded history as it was',
    async () => {
      const next = runCounter();
      const call = fc.constantFrom(...procedures).chain((p) =>
        fc.record({
          procedure: fc.constant(p),
          input: inputFor(fx, p),
          who: identity,
          transport: fc.constantFrom('http', 'ws', 'ws-params'),
        }),
      );
      await fc.assert(
        fc.asyncProperty(call, async ({ procedure, input, who, transport }) => {
          const errorMark = fx.serverErrors.length;
          if (transport === 'http') await overHttp(fx, procedure, input, who);
          else await overWs(fx, procedure, input, who, transport === 'ws-params');
          await checkServer(fx, { index: next(), errorMark });
        }),
        assertParams(),
      );
      await checkHistory(fx);
    },
    propertyTimeoutMs,
  );
});
