import { PollInput, StreamInput } from '@confab/contracts';
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { deviceStream, eventId, streamStart } from '../services/stream.js';
import { authedProcedure, router } from '../trpc.js';

/** tRPC adds `lastEventId` to a tracked subscription's input when its client reconnects. */
export const OnEventInput = StreamInput.and(
  z.object({ lastEventId: z.string().max(200).nullish() }),
);

export const eventsRouter = router({
  /**
   * Every event of every room the user is in, plus the user's live signals: backfilled from
   * `cursors`, then live. Each event is tracked as `roomId:seq~position` (room events) or
   * `-type~position`; a reconnect's `lastEventId` resumes every room (see streamStart).
   */
  onEvent: authedProcedure.input(OnEventInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const stream = deviceStream(ctx.services, ctx.auth, {
      ...streamStart(ctx.auth.session.id, input),
      signal,
      limits: ctx.services.streamLimits,
      backpressure: ctx.backpressure,
      needsHeartbeat: ctx.transport === 'http',
    });
    for await (const event of stream) yield tracked(eventId(event), event);
  }),

  /** Long polling: the same events as onEvent, one batch per call. */
  poll: authedProcedure
    .meta({ rateLimit: 'pollPerUser' })
    .input(PollInput)
    .query(({ ctx, input, signal }) => ctx.services.polling.poll(ctx.auth, input, signal)),
});
