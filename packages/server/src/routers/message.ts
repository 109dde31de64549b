import {
  ByIdsInput,
  ContextInput,
  DeleteInput,
  EditInput,
  EventsAfterInput,
  HistoryInput,
  MarkReadInput,
  MentionsInput,
  PinInput,
  ReactInput,
  RoomRef,
  SearchInput,
  SendInput,
  ThreadInput,
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
  // Reads around messages (services/threads.ts): members only.
  thread: authedProcedure
    .input(ThreadInput)
    .query(({ ctx, input }) => ctx.services.threads.thread(ctx.auth, input)),
  context: authedProcedure
    .input(ContextInput)
    .query(({ ctx, input }) => ctx.services.threads.context(ctx.auth, input)),
  byIds: authedProcedure
    .input(ByIdsInput)
    .query(({ ctx, input }) => ctx.services.threads.byIds(ctx.auth, input)),
  react: authedProcedure
    .meta({ rateLimit: 'own' }) // the send bucket (reactions service)
    .input(ReactInput)
    .mutation(({ ctx, input }) => ctx.services.reactions.react(ctx.auth, input)),
  pin: authedProcedure
    .meta({ rateLimit: 'own' }) // the send bucket (reactions service)
    .input(PinInput)
    .mutation(({ ctx, input }) => ctx.services.reactions.pin(ctx.auth, input)),
  pins: authedProcedure
    .input(RoomRef)
    .query(({ ctx, input }) => ctx.services.reactions.pins(ctx.auth, input)),
  /** Where the caller was named (services/mentions.ts): their own rooms only. */
  mentions: authedProcedure
    .input(MentionsInput)
    .query(({ ctx, input }) => ctx.services.mentions.mentions(ctx.auth, input)),
  // Full-text search over the caller's rooms (services/search.ts).
  search: authedProcedure
    .meta({ rateLimit: 'searchPerUser' })
    .input(SearchInput)
    .query(({ ctx, input }) => ctx.services.search.messages(ctx.auth, input)),
  markRead: authedProcedure
    .input(MarkReadInput)
    .mutation(({ ctx, input }) => ctx.services.messages.markRead(ctx.auth, input)),
});
