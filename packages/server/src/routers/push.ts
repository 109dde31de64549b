import { ClientMsgId, LIMITS, MessageBody, RoomId, Username } from '@confab/contracts';
import * as z from 'zod';
import { apiKeyProcedure, router } from '../trpc.js';

const PushData = z
  .json()
  .refine(
    (data) => JSON.stringify(data).length <= LIMITS.pushDataMaxBytes,
    `data must be at most ${LIMITS.pushDataMaxBytes} bytes of JSON`,
  );

/** Server-to-server: other apps push into Confab with an API key (`X-Api-Key` header). */
export const pushRouter = router({
  /** Posts a message into a room as one of its members; idempotent on clientMsgId like send. */
  message: apiKeyProcedure
    .input(
      z.object({
        roomId: RoomId,
        asUsername: Username,
        clientMsgId: ClientMsgId,
        body: MessageBody,
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.push.postMessage(input)),
  /** Delivers `data` to every live device of one user (not stored). */
  toUser: apiKeyProcedure
    .input(z.object({ username: Username, data: PushData }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.push.toUser(input);
      return { ok: true as const };
    }),
  /** An announcement to everyone connected (not stored). */
  broadcast: apiKeyProcedure
    .input(z.object({ body: MessageBody }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.push.broadcast(input);
      return { ok: true as const };
    }),
});
