import {
  flatEvent,
  idsSnapshot,
  isAuthorsCopy,
  LiveInput,
  PollInput,
  StreamInput,
  slimEvent,
} from '@confab/contracts';
import { tracked } from '@trpc/server';
import * as z from 'zod';
import type { Authenticated } from '../services/accounts.js';
import { deviceStream, eventId, type StreamOptions, streamStart } from '../services/stream.js';
import { authedProcedure, type Context, router } from '../trpc.js';

/** tRPC adds `lastEventId` to a tracked subscription's input when its client reconnects. */
export const OnEventInput = StreamInput.and(
  z.object({ lastEventId: z.string().max(200).nullish() }),
);

/** A device's stream from `start`, through tRPC's own adapters (pulled, heartbeats over HTTP). */
function deviceStreamOf(
  ctx: Context & { auth: Authenticated },
  start: Pick<StreamOptions, 'cursors' | 'resume' | 'resumeKey'>,
  signal: AbortSignal | undefined,
) {
  return deviceStream(ctx.services, ctx.auth, {
    ...start,
    signal,
    limits: ctx.services.streamLimits,
    backpressure: ctx.backpressure,
    needsHeartbeat: ctx.transport === 'http',
  });
}

// The WebSocket and SSE handlers serve both subscriptions on a fast path (http/stream-formats.ts)
// with the same bytes; these generators serve them anywhere else (tRPC's own adapters).
export const eventsRouter = router({
  /**
   * Stream format 1: every event of every room the user is in, plus the user's live signals:
   * backfilled from `cursors`, then live. Each event is tracked as `roomId:seq~position` (room
   * events) or `-type~position`; a reconnect's `lastEventId` resumes every room (see
   * streamStart). For clients that rely on tRPC's own reconnect.
   */
  onEvent: authedProcedure.input(OnEventInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const stream = deviceStreamOf(ctx, streamStart(ctx.auth.session.id, input), signal);
    for await (const event of stream) yield tracked(eventId(event), event);
  }),

  /**
   * Stream format 2: the same events, untracked, with `message.created` slimmed (LiveEvent;
   * `expandEvent` restores it). For clients that keep their own cursors and reconnect with
   * them (the SDK does): a reconnect of tRPC's own starts again from the original input.
   * `format: 3` in the input asks for format 3 (FlatEvent): a message's fields in the event,
   * its clientMsgId only to its author's devices; with `snapshot: 'ids'`, the presence snapshot
   * as two lists of ids.
   */
  live: authedProcedure.input(LiveInput).subscription(async function* ({ ctx, input, signal }) {
    const { format, snapshot, ...start } = input;
    const me = ctx.auth.user.id;
    for await (const event of deviceStreamOf(ctx, start, signal)) {
      if (format !== 3) yield slimEvent(event);
      else if (snapshot === 'ids') yield idsSnapshot(flatEvent(event, isAuthorsCopy(event, me)));
      else yield flatEvent(event, isAuthorsCopy(event, me));
    }
  }),

  /** Long polling: the same events as onEvent, one batch per call. */
  poll: authedProcedure
    .meta({ rateLimit: 'pollPerUser' })
    .input(PollInput)
    .query(({ ctx, input, signal }) => ctx.services.polling.poll(ctx.auth, input, signal)),
});
