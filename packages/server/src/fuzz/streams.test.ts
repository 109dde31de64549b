import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertParams, propertyTimeoutMs } from './budget.js';
import { checkHistory, checkServer, runCounter } from './checks.js';
import { send } from './client.js';
import { useFuzzFixture } from './fixture.js';
import { bearer, identity, tokenOf } from './identity.js';
import { checkHttpAnswer } from './oracles.js';
import { hostileString, hostileValue, jsonishText } from './values.js';

/**
 * `waitMs` that never makes a correct poll wait long: short valid waits, or invalid ones. A
 * valid 20 s wait is correct behaviour, and would only stall the run past its guard.
 */
const waitMs = fc.oneof(
  fc.integer({ min: 0, max: 100 }),
  fc.constantFrom(-1, 25_001, 1e308, 0.5, Number.NaN, '100', null),
  hostileString,
);

describe('fuzz: SSE and long-poll URLs (inputs, cursors, lastEventId, pollId, waitMs)', () => {
  const fx = useFuzzFixture();
  /** A pollId the server really gave the fuzzer: polls naming it reach the resume path. */
  let realPollId = 'none.0';

  it(
    'answers every stream and poll with typed frames or JSON, stays up, and leaves the seeded history as it was',
    async () => {
      const next = runCounter();
      const t = fx.targets;
      const roomId = fc.oneof(fc.constantFrom(...t.roomIds, fx.fuzzer.ownRoomId), hostileString);
      const cursors = fc.oneof(
        fc.dictionary(roomId, fc.oneof(fc.integer({ min: 0, max: 50 }), hostileValue), {
          maxKeys: 4,
        }),
        hostileValue,
      );
      const lastEventId = fc.oneof(
        fc.constantFrom(
          `${t.lobbyId}:1`,
          `${t.lobbyId}:99999999999`,
          `${t.roomIds[1]}:1~x.1`,
          '-presence~1',
          ':',
          '~',
        ),
        hostileString,
      );
      const streamInput = fc.record(
        {
          cursors,
          resume: fc.oneof(fc.boolean(), hostileValue),
          lastEventId,
          // events.live's stream format: 3, or anything else (refused).
          format: fc.oneof(fc.constantFrom(2, 3, 4, '3'), hostileValue),
          // With format 3, the presence snapshot as ids: 'ids', or anything else (refused).
          snapshot: fc.oneof(fc.constantFrom('ids', 'names', 'IDS'), hostileValue),
          extra: hostileValue,
        },
        { requiredKeys: [] },
      );
      const pollInput = fc.record(
        {
          cursors,
          resume: fc.oneof(fc.boolean(), hostileValue),
          pollId: fc.oneof(
            fc.constant('real'),
            fc.constantFrom('abc.1', '.', 'a.', 'x.999999999'),
            hostileString,
          ),
          waitMs,
        },
        { requiredKeys: ['waitMs'] },
      );
      const call = fc.record({
        kind: fc.constantFrom('sse', 'poll'),
        format: fc.constantFrom('events.onEvent', 'events.live'),
        streamInput: jsonishText(streamInput),
        pollInput,
        who: identity,
        tokenIn: fc.constantFrom('header', 'connectionParams', 'cookie'),
        lastEventIdIn: fc.constantFrom('none', 'query', 'header'),
        lastEventId: lastEventId.map((id) => id.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?')),
        batch: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(call, async (c) => {
          const errorMark = fx.serverErrors.length;
          const token = tokenOf(fx, c.who);
          const headers: Record<string, string> = {};
          const query: string[] = [];
          if (c.tokenIn === 'header') Object.assign(headers, bearer(fx, c.who));
          else if (c.tokenIn === 'cookie' && token) headers.Cookie = `confab_session=${token}`;
          else if (token)
            query.push(`connectionParams=${encodeURIComponent(JSON.stringify({ token }))}`);
          if (c.batch) query.push('batch=1');
          let path: string;
          if (c.kind === 'sse') {
            query.push(`input=${encodeURIComponent(c.streamInput)}`);
            if (c.lastEventIdIn === 'query')
              query.push(`lastEventId=${encodeURIComponent(c.lastEventId)}`);
            if (c.lastEventIdIn === 'header') headers['Last-Event-ID'] = c.lastEventId;
            path = `/trpc/${c.format}`;
          } else {
            const input = {
              ...c.pollInput,
              ...(c.pollInput.pollId === 'real' ? { pollId: realPollId } : {}),
            };
            query.push(
              `input=${encodeURIComponent(JSON.stringify(c.batch ? { 0: input } : input))}`,
            );
            path = '/trpc/events.poll';
          }
          const request = { method: 'GET', path: `${path}?${query.join('&')}`, headers };
          const answer = await send(fx.url, request);
          checkHttpAnswer(answer, request);
          // Remember a pollId the server handed out, for later polls to name.
          const polled = /"pollId":"([^"]+)"/.exec(answer.body);
          if (polled?.[1]) realPollId = polled[1];
          await checkServer(fx, { index: next(), errorMark });
        }),
        assertParams(),
      );
      await checkHistory(fx);
    },
    propertyTimeoutMs,
  );

  it('notices a change to the seeded history (the history oracle is not vacuous)', async () => {
    const store = fx.server.server.services.store;
    await store.markRead(t().roomIds[1] as string, t().userIds[1] as string, 5);
    await expect(checkHistory(fx)).rejects.toThrow(/seeded history/);
  });
  const t = () => fx.targets;
});
