import { RoomId, Seq } from '@confab/contracts';
import { z } from 'zod';
import { roomEventStream } from '../services/stream.js';
import { authedProcedure, router } from '../trpc.js';

/** Resume point: the last seq the device has, per room. Bounded so input stays small. */
const StreamInput = z
  .object({ cursors: z.record(RoomId, Seq).default({}) })
  .refine((v) => Object.keys(v.cursors).length <= 1000, 'At most 1000 room cursors')
  .default({ cursors: {} });

export const eventsRouter = router({
  /** Every event of every room the user is in: backfilled from `cursors`, then live. */
  onEvent: authedProcedure
    .input(StreamInput)
    .subscription(({ ctx, input, signal }) =>
      roomEventStream(ctx.services, ctx.auth, { cursors: input.cursors, signal }),
    ),
});
