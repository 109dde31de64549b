import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertParams, propertyTimeoutMs } from './budget.js';
import { checkHistory, checkServer, runCounter } from './checks.js';
import { wsExchange } from './client.js';
import { useFuzzFixture } from './fixture.js';
import { wsSessionArb } from './frames.js';
import { listProcedures } from './inputs.js';
import { checkWsFrame } from './oracles.js';

describe('fuzz: WebSocket frames (tRPC protocol, right and wrong)', () => {
  const fx = useFuzzFixture();

  it(
    'answers every frame with JSON of a result or a typed error, stays up, and leaves the seeded history as it was',
    async () => {
      const next = runCounter();
      await fc.assert(
        fc.asyncProperty(wsSessionArb(fx, listProcedures()), async (session) => {
          const errorMark = fx.serverErrors.length;
          const exchange = await wsExchange(fx.url, session);
          // The upgrade itself is never refused: junk cookies and origins only drop the cookie.
          expect(exchange.refused, 'upgrade refused').toBeUndefined();
          for (const frame of exchange.frames) checkWsFrame(frame);
          await checkServer(fx, { index: next(), errorMark });
        }),
        assertParams(),
      );
      await checkHistory(fx);
    },
    propertyTimeoutMs,
  );
});
