import {
  DeleteInput,
  EditInput,
  EventsAfterInput,
  HistoryInput,
  MarkReadInput,
  SendInput,
} from '@confab/contracts';
import { authedProcedure, router } from '../trpc.js';

export const messageRouter = router({
  send: authedProcedure
    .meta({ rateLimit: 'own' }) // the send bucket (messages service)
    .input(SendInput)
    .mutation(({ ctx, input }) => ctx.services.messages.send(ctx.auth, input)),
  edit: authedProcedure
    .meta({ rateLimit: 'own' }) // the send bucket (messages service)
    .input(EditInput)
    .mutation(({ ctx, input }) => ctx.services.messages.edit(ctx.auth, input)),
  delete: authedProcedure
    .meta({ rateLimit: 'own' }) // the send bucket (messages service)
    .input(DeleteInput)
    .mutation(({ ctx, input }) => ctx.services.messages.delete(ctx.auth, input)),
  history: authedProcedure
    .input(HistoryInput)
    .query(({ ctx, input }) => ctx.services.messages.history(ctx.auth, input)),
  eventsAfter: authedProcedure
    .input(EventsAfterInput)
    .query(({ ctx, input }) => ctx.services.messages.eventsAfter(ctx.auth, input)),
  markRead: authedProcedure
    .input(MarkReadInput)
    .mutation(({ ctx, input }) => ctx.services.messages.markRead(ctx.auth, input)),
});
