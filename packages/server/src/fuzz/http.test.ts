import fc from 'fast-check';
import { describe, it } from 'vitest';
import { assertParams, propertyTimeoutMs } from './budget.js';
import { checkHistory, checkServer, runCounter } from './checks.js';
import { send } from './client.js';
import { useFuzzFixture } from './fixture.js';
import { listProcedures } from './inputs.js';
import { checkHttpAnswer } from './oracles.js';
import { requestArb } from './requests.js';

describe('fuzz: raw HTTP (paths, queries, headers, cookies, batches, bodies)', () => {
  const fx = useFuzzFixture();

  it(
    'answers every request with an allowed status and typed JSON (or an event stream), stays up, and leaves the seeded history as it was',
    async () => {
      const next = runCounter();
      const procedures = listProcedures();
      await fc.assert(
        fc.asyncProperty(requestArb(fx, procedures), async (request) => {
          const errorMark = fx.serverErrors.length;
          const jsonl = request.headers['trpc-accept'] === 'application/jsonl';
          checkHttpAnswer(await send(fx.url, request), { ...request, jsonl });
          await checkServer(fx, { index: next(), errorMark });
        }),
        assertParams(),
      );
      await checkHistory(fx);
    },
    propertyTimeoutMs,
  );
});
